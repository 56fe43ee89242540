"""Call sheets offline: confirming receipt from the outbox, and the newer revisions a sync brings.

Registered with app.sync in app.callsheets.init_app. Never commits.
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import url_for
from werkzeug.routing import BuildError

from app.callsheets.acknowledgements import acknowledgement_for
from app.callsheets.models import CallSheetRevision
from app.callsheets.service import latest_revisions, newest_number
from app.callsheets.viewing import entry_of
from app.crew.membership import memberships
from app.crew.models import Person
from app.extensions import db
from app.schedule.calls import day_calls
from app.schedule.models import ShootDay
from app.sync import Rejected, Tap
from app.timeutil import as_utc, production_today

DAYS_AHEAD = 2
# Publishing and syncing race: repeat what was published just before the cursor.
OVERLAP = timedelta(minutes=2)


def confirm_revision(actor: Person, payload: dict, tap: Tap) -> dict:
    """Confirm receipt of a published revision; the earliest confirmation's time stands.

    Unlike the online confirm, a confirmation queued on a phone is recorded even when a newer
    revision came out meanwhile: the person did read the one they confirmed. The result names the
    newer revision so the phone can ask them to read and confirm that too."""
    revision = db.session.scalar(
        sa.select(CallSheetRevision).where(
            CallSheetRevision.id == payload["revision_id"], CallSheetRevision.production_id == actor.production_id
        )
    )
    if revision is None:
        raise Rejected("That call sheet revision is not on this production.", reason="not_found")
    if entry_of(revision.content, actor.id) is None:
        raise Rejected("You are not called on this call sheet, so there is nothing to confirm.", reason="not_called")
    ack = acknowledgement_for(revision, actor)
    # The earliest tap wins whatever order the phones' queues arrive in.
    ack.opened_at = min(as_utc(ack.opened_at) or tap.corrected, tap.corrected)
    ack.confirmed_at = min(as_utc(ack.confirmed_at) or tap.corrected, tap.corrected)
    db.session.flush()
    result = {"revision_id": revision.id, "confirmed_at": ack.confirmed_at.isoformat()}
    newest = newest_number(revision.shoot_day_id)
    if newest > revision.number:
        result["newer_revision"] = newest
    return result


def _is_called(person: Person, day: ShootDay) -> bool:
    if person.is_coordinator:
        return True
    return any(call.person.id == person.id for call in day_calls(day))


def revision_url(production_id: int, revision_id: int) -> str:
    """Return the page of a changed call sheet (the revision page when there is one)."""
    try:
        return url_for("callsheets.revision", production_id=production_id, revision_id=revision_id)
    except BuildError:
        return url_for("callsheets.my_day", production_id=production_id)


def changes_since(user_id: int, since: datetime | None, now: datetime) -> list[dict]:
    """Return the latest revision of each upcoming call sheet published after since."""
    changes = []
    for person in memberships(user_id):
        today = production_today(person.production, now)
        days = db.session.scalars(
            sa.select(ShootDay)
            .where(
                ShootDay.production_id == person.production_id,
                ShootDay.date.between(today, today + timedelta(days=DAYS_AHEAD)),
            )
            .order_by(ShootDay.date)
        ).all()
        latest = latest_revisions([day.id for day in days], with_content=False)
        for day in days:
            revision = latest.get(day.id)
            if revision is None:
                continue
            published = revision.published_at.replace(tzinfo=revision.published_at.tzinfo or UTC)
            if since is not None and published < since - OVERLAP:
                continue
            if not _is_called(person, day):
                continue
            changes.append(
                {
                    "type": "revision",
                    "production_id": person.production_id,
                    "shoot_day_id": day.id,
                    "date": day.date.isoformat(),
                    "revision_id": revision.id,
                    "number": revision.number,
                    "colour": revision.colour,
                    "published_at": published.isoformat(),
                    "url": revision_url(person.production_id, revision.id),
                }
            )
    return changes


def my_days_to_keep(user_id: int) -> list[str]:
    """Return My day of each of the user's productions, for their phone to keep."""
    return [url_for("callsheets.my_day", production_id=person.production_id) for person in memberships(user_id)]
