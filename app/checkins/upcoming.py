"""Changes since a sync cursor: newer revisions of the call sheets a person is called on."""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from app.callsheets.service import latest_revisions
from app.crew.membership import memberships  # noqa: F401  (the sync API asks upcoming.memberships)
from app.crew.models import Person
from app.extensions import db
from app.schedule.calls import day_calls
from app.schedule.models import ShootDay
from app.timeutil import production_today

DAYS_AHEAD = 2
# Publishing and syncing race: repeat what was published just before the cursor.
OVERLAP = timedelta(minutes=2)


def make_cursor(now: datetime) -> str:
    """Return the opaque cursor for a sync answered at now."""
    return f"v1:{int(now.timestamp() * 1000)}"


def read_cursor(cursor: str | None) -> datetime | None:
    """Return the moment a cursor stands for, or None for no (or an unreadable) cursor."""
    if not cursor or not cursor.startswith("v1:") or not cursor[3:].isdigit():
        return None
    return datetime.fromtimestamp(int(cursor[3:]) / 1000, tz=timezone.utc)


def _is_called(person: Person, day: ShootDay) -> bool:
    if person.is_coordinator:
        return True
    return any(call.person.id == person.id for call in day_calls(day))


def changes_since(user_id: int, cursor: str | None, now: datetime) -> list[dict]:
    """Return the latest revision of each upcoming call sheet published after the cursor."""
    since = read_cursor(cursor)
    changes = []
    for person in db.session.scalars(sa.select(Person).where(Person.user_id == user_id)):
        today = production_today(person.production, now)
        days = db.session.scalars(sa.select(ShootDay).where(
            ShootDay.production_id == person.production_id,
            ShootDay.date.between(today, today + timedelta(days=DAYS_AHEAD)))
            .order_by(ShootDay.date)).all()
        latest = latest_revisions([day.id for day in days], with_content=False)
        for day in days:
            revision = latest.get(day.id)
            if revision is None:
                continue
            published = revision.published_at.replace(tzinfo=revision.published_at.tzinfo or timezone.utc)
            if since is not None and published < since - OVERLAP:
                continue
            if not _is_called(person, day):
                continue
            changes.append({"type": "revision", "production_id": person.production_id,
                            "shoot_day_id": day.id, "date": day.date.isoformat(),
                            "revision_id": revision.id, "number": revision.number,
                            "colour": revision.colour, "published_at": published.isoformat()})
    return changes
