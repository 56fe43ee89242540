"""The check-in operations: arrivals, wraps and running late, by phone or by hand. Never commits.

Registered with app.sync in app.checkins.init_app; the sync endpoint and the action forms
call them inside a savepoint, after reading and judging the operation.
"""

import sqlalchemy as sa

from app.checkins import odd_times
from app.checkins.models import ARRIVAL, RUNNING_LATE, WRAP, CheckIn
from app.crew.models import Person
from app.extensions import db
from app.schedule.models import ShootDay
from app.sync import Rejected, Tap


def in_production(model, object_id: int, production_id: int, what: str):
    """Load one object of the actor's production; raise Rejected (not_found) otherwise."""
    found = db.session.scalar(sa.select(model).where(model.id == object_id, model.production_id == production_id))
    if found is None:
        raise Rejected(f"That {what} is not on this production.", reason="not_found")
    return found


def _subject(actor: Person, person_id: int | None) -> tuple[Person, bool]:
    """Return who the event is about, and whether it was recorded by hand."""
    if person_id is None or person_id == actor.id:
        return actor, False
    if not actor.is_coordinator:
        raise Rejected("Only the production office can check in someone else.", reason="forbidden")
    return in_production(Person, person_id, actor.production_id, "person"), True


def _event(kind: str, actor: Person, payload: dict, tap: Tap, **extra) -> dict:
    day = in_production(ShootDay, payload["shoot_day_id"], actor.production_id, "shoot day")
    subject, by_hand = _subject(actor, payload.get("person_id"))
    # Judged by the corrected tap time, so an offline tap counts when it was tapped. An odd
    # time is stored flagged, never refused: a check-in is never lost (sync/PROTOCOL.md).
    flag = odd_times.judge(kind, day, subject, tap.corrected)
    event = CheckIn(
        production_id=actor.production_id,
        shoot_day_id=day.id,
        person_id=subject.id,
        kind=kind,
        by_hand=by_hand,
        recorded_by_id=actor.id if by_hand else None,
        tapped_at=tap.tapped_at,
        sent_at=tap.sent_at,
        received_at=tap.received_at,
        clock_offset_ms=round(tap.offset.total_seconds() * 1000),
        occurred_at=tap.corrected,
        op_id=tap.op_id,
        flag=flag,
        flag_confirmed=flag is not None and bool(payload.get("confirmed")),
        **extra,
    )
    db.session.add(event)
    db.session.flush()
    if kind == ARRIVAL:
        odd_times.flag_wraps_before(event, day)
    result = {
        "event_id": event.id,
        "person_id": subject.id,
        "by_hand": by_hand,
        "occurred_at": tap.corrected.isoformat(),
    }
    if flag:
        result.update(flag=flag, confirmed=event.flag_confirmed)
    return result


def check_in(actor: Person, payload: dict, tap: Tap) -> dict:
    """Record an arrival, by the person or by hand by the production office."""
    return _event(ARRIVAL, actor, payload, tap)


def check_out(actor: Person, payload: dict, tap: Tap) -> dict:
    """Record a wrap."""
    return _event(WRAP, actor, payload, tap)


def running_late(actor: Person, payload: dict, tap: Tap) -> dict:
    """Record that the person is running late, with their ETA."""
    return _event(RUNNING_LATE, actor, {**payload, "person_id": None}, tap, eta=payload["eta"], note=payload["note"])
