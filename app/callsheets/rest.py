"""Publishing with rest in mind: the acknowledgement, forced calls and each person's call history."""

import sqlalchemy as sa

from app.callsheets.models import CallSheetRevision, CallTimeChange, ForcedCall
from app.crew.models import Person
from app.extensions import db
from app.schedule.models import ShootDay
from app.schedule.rest import Shortfall, rest_shortfalls

CALL_KINDS = ("called", "released", "call")


class RestNotAcknowledged(Exception):
    """Publishing would break someone's minimum rest and the office has not acknowledged it."""


def check_rest(day: ShootDay, acknowledged: bool) -> list[Shortfall]:
    """Return the rest shortfalls around a day; raise RestNotAcknowledged when they are not acknowledged."""
    shortfalls = rest_shortfalls(day)
    if shortfalls and not acknowledged:
        names = sorted({short.name for short in shortfalls})
        who = ", ".join(names) if len(names) <= 3 else f"{len(names)} people ({', '.join(names[:3])} and others)"
        raise RestNotAcknowledged(
            f"Rest falls short for {who}. Move their calls to the earliest call shown, or tick "
            "“Publish anyway” to acknowledge the forced calls. Nothing was published."
        )
    return shortfalls


def record_publish(revision: CallSheetRevision, publisher: Person, shortfalls: list[Shortfall]) -> None:
    """Record a revision's forced calls and every call time it changed, person by person."""
    for short in shortfalls:
        db.session.add(
            ForcedCall(
                production_id=revision.production_id,
                revision_id=revision.id,
                person_id=short.person_id,
                name=short.name,
                call_day_id=short.call_day_id,
                call=short.call,
                earliest_call=short.earliest_call,
                short_by_minutes=short.short_by_minutes,
                required_minutes=short.required_minutes,
                acknowledged_by_id=publisher.id,
            )
        )
    for key, changes in (revision.changes or {}).items():
        for change in changes:
            if change["kind"] in CALL_KINDS:
                db.session.add(
                    CallTimeChange(
                        production_id=revision.production_id,
                        person_id=int(key),
                        shoot_day_id=revision.shoot_day_id,
                        revision_id=revision.id,
                        from_minutes=change.get("before_minutes"),
                        to_minutes=change.get("after_minutes"),
                        changed_by_id=publisher.id,
                        at=revision.published_at,
                    )
                )
    db.session.flush()


def forced_calls(revision: CallSheetRevision) -> list[ForcedCall]:
    """Return the calls a revision forced through short rest."""
    return list(
        db.session.scalars(sa.select(ForcedCall).where(ForcedCall.revision_id == revision.id).order_by(ForcedCall.id))
    )


def call_history(person: Person) -> list[CallTimeChange]:
    """Return every published change to a person's call times, newest first."""
    return list(
        db.session.scalars(
            sa.select(CallTimeChange)
            .where(CallTimeChange.production_id == person.production_id, CallTimeChange.person_id == person.id)
            .options(
                sa.orm.joinedload(CallTimeChange.shoot_day),
                sa.orm.joinedload(CallTimeChange.revision),
                sa.orm.joinedload(CallTimeChange.changed_by),
            )
            .order_by(CallTimeChange.at.desc(), CallTimeChange.id.desc())
        )
    )
