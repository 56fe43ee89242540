"""Publishing call sheet revisions, and reading them back. Services never commit."""

import json

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from app.callsheets.changes import compare
from app.callsheets.models import CallSheetRevision
from app.callsheets.snapshot import build_snapshot
from app.crew.models import Person
from app.extensions import db
from app.schedule.models import DEFAULT_REVISION_COLOURS, Production, ShootDay
from app.timeutil import utcnow

MULTIPLES = ["", "Double ", "Triple ", "Quadruple "]


class NothingChanged(Exception):
    """Publishing would repeat the latest revision word for word."""


def revision_colour(sequence: str, number: int) -> str:
    """Name the colour of revision `number` (from 1): White … Cherry, Double White … then Triple."""
    colours = [c.strip() for c in (sequence or "").split(",") if c.strip()]
    colours = colours or DEFAULT_REVISION_COLOURS.split(",")
    lap, index = divmod(number - 1, len(colours))
    prefix = MULTIPLES[lap] if lap < len(MULTIPLES) else f"{lap + 1}× "
    return prefix + colours[index]


def latest_revision(shoot_day_id: int, with_content: bool = True) -> CallSheetRevision | None:
    """Return the newest published revision of a shoot day, or None."""
    query = (
        sa.select(CallSheetRevision)
        .where(CallSheetRevision.shoot_day_id == shoot_day_id)
        .order_by(CallSheetRevision.number.desc())
        .limit(1)
    )
    return db.session.scalar(query.options(undefer(CallSheetRevision.content)) if with_content else query)


def newest_revisions(among) -> sa.Select:
    """Return a query for the newest revision of each shoot day, among the revisions matching `among`."""
    newest = (
        sa.select(CallSheetRevision.shoot_day_id, sa.func.max(CallSheetRevision.number).label("number"))
        .where(among)
        .group_by(CallSheetRevision.shoot_day_id)
        .subquery()
    )
    return sa.select(CallSheetRevision).join(
        newest,
        sa.and_(CallSheetRevision.shoot_day_id == newest.c.shoot_day_id, CallSheetRevision.number == newest.c.number),
    )


def latest_revisions(shoot_day_ids, with_content: bool = True) -> dict[int, CallSheetRevision]:
    """Return the newest published revision of each shoot day that has one, in one query."""
    day_ids = list(shoot_day_ids)
    if not day_ids:
        return {}
    query = newest_revisions(CallSheetRevision.shoot_day_id.in_(day_ids))
    if with_content:
        query = query.options(undefer(CallSheetRevision.content))
    return {revision.shoot_day_id: revision for revision in db.session.scalars(query)}


def revisions_of(shoot_day_id: int) -> list[CallSheetRevision]:
    """Return every revision of a shoot day, newest first, without their content."""
    return list(
        db.session.scalars(
            sa.select(CallSheetRevision)
            .where(CallSheetRevision.shoot_day_id == shoot_day_id)
            .order_by(CallSheetRevision.number.desc())
        )
    )


def previous_revision(revision: CallSheetRevision) -> CallSheetRevision | None:
    """Return the revision published just before this one, or None for the first."""
    return db.session.scalar(
        sa.select(CallSheetRevision)
        .where(CallSheetRevision.shoot_day_id == revision.shoot_day_id, CallSheetRevision.number < revision.number)
        .order_by(CallSheetRevision.number.desc())
        .limit(1)
        .options(undefer(CallSheetRevision.content))
    )


def newest_number(shoot_day_id: int) -> int:
    """Return the number of the newest revision of a shoot day (0 when none)."""
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(CallSheetRevision.number), 0)).where(
            CallSheetRevision.shoot_day_id == shoot_day_id
        )
    )


def as_stored(value: dict) -> dict:
    """Return the value exactly as it reads back from a JSON column (string keys, lists)."""
    return json.loads(json.dumps(value))


def draft(day: ShootDay) -> tuple[dict, dict, CallSheetRevision | None]:
    """Build the draft of a day's call sheet: content, per-person changes, latest revision."""
    latest = latest_revision(day.id)
    content = as_stored(build_snapshot(day))
    changes = compare(latest.content if latest else None, content)
    return content, changes, latest


def unpublished_changes(day: ShootDay) -> int | None:
    """Count the changes the day's draft holds over its newest revision; None when never published.

    Day-wide changes count once, a person's own once per person; an edit outside the change
    model (say a scene's synopsis) still counts as one, so a waiting edit never reads as 0.
    """
    latest = latest_revision(day.id)
    if latest is None:  # nothing published: no draft to build
        return None
    content = as_stored(build_snapshot(day))
    if latest.content == content:
        return 0
    changes = compare(latest.content, content)
    distinct = {
        (change["kind"], change["text"]) if change.get("scope") == "day" else (key, change["kind"])
        for key, found in changes.items()
        for change in found
    }
    return max(1, len(distinct))


def publish(day: ShootDay, publisher: Person) -> CallSheetRevision:
    """Freeze the day's call sheet as the next revision; raise NothingChanged for a repeat."""
    content, changes, latest = draft(day)
    if latest is not None and latest.content == content:
        raise NothingChanged(
            f"Nothing has changed since revision {latest.number} ({latest.colour}); there is nothing new to publish."
        )
    production = db.session.get(Production, day.production_id)
    number = (latest.number if latest else 0) + 1
    revision = CallSheetRevision(
        production_id=day.production_id,
        shoot_day_id=day.id,
        number=number,
        colour=revision_colour(production.revision_colours, number),
        published_at=utcnow(),
        published_by_id=publisher.id,
        content=content,
        changes=changes,
    )
    db.session.add(revision)
    db.session.flush()
    return revision


def numbered(shoot_day_id: int, number: int) -> CallSheetRevision | None:
    """Return a shoot day's revision by its number, with its content, or None."""
    return db.session.scalar(
        sa.select(CallSheetRevision)
        .where(CallSheetRevision.shoot_day_id == shoot_day_id, CallSheetRevision.number == number)
        .options(undefer(CallSheetRevision.content))
    )
