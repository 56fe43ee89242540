"""Apply queued offline operations exactly once, each in its own savepoint. Never commits."""
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from app.callsheets.acknowledgements import acknowledgement_for
from app.callsheets.models import CallSheetRevision
from app.callsheets.service import newest_number
from app.callsheets.viewing import entry_of
from app.checkins.models import ARRIVAL, RUNNING_LATE, WRAP, AppliedOperation, CheckIn
from app.checkins.schemas import PAYLOADS, OperationSchema, field_value
from app.crew.models import Person
from app.extensions import db
from app.schedule.models import ShootDay
from app.timeutil import as_utc


class Rejected(Exception):
    """The operation can never apply; reason is a code, the message is for people."""

    def __init__(self, reason: str, message: str, errors: dict | None = None):
        super().__init__(message)
        self.reason, self.message, self.errors = reason, message, errors


class Conflict(Exception):
    """An update was based on an older version of the record than the server has."""

    def __init__(self, details: dict):
        super().__init__("Changed on the server since you saw it.")
        self.details = details


class Busy(Exception):
    """The database could not settle an operation now; the client should retry later."""


@dataclass
class Tap:
    """One operation's id and three times, and the device clock offset they imply."""

    op_id: str
    tapped_at: datetime
    sent_at: datetime
    received_at: datetime

    @property
    def offset(self) -> timedelta:
        return self.received_at - self.sent_at

    @property
    def corrected(self) -> datetime:
        """Return the tap time on the server's clock, never later than its arrival."""
        return min(self.tapped_at + self.offset, self.received_at)


def begin_write() -> None:
    """Open the write transaction up front on SQLite, so savepoints nest inside it."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    # pysqlite opens transactions lazily and would let a savepoint act as its own
    # transaction (committed on release); take the write lock explicitly instead.
    if not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def apply_batch(user_id: int, raw_ops: list, sent_at: datetime, received_at: datetime) -> list[dict]:
    """Apply each operation at most once for this user and return one result per operation."""
    members = {person.production_id: person for person in db.session.scalars(
        sa.select(Person).where(Person.user_id == user_id))}
    begin_write()
    return [apply_one(user_id, members, raw, sent_at, received_at) for raw in raw_ops]


def apply_one(user_id: int, members: dict, raw, sent_at: datetime, received_at: datetime) -> dict:
    """Apply one raw operation in a savepoint; a failure rolls back only this operation."""
    op_id = raw.get("id") if isinstance(raw, dict) else None
    try:
        op = OperationSchema().load(raw if isinstance(raw, dict) else {})
    except ValidationError as error:
        return _rejected(op_id, Rejected("malformed", "This action could not be read.", error.messages))
    op_id = str(op["id"])
    person = members.get(op["production_id"])
    if person is None:
        return _rejected(op_id, Rejected("not_member", "You are not on that production."))
    tap = Tap(op_id, op["tapped_at"], op["sent_at"] or sent_at, received_at)
    for _attempt in range(2):
        try:
            with db.session.begin_nested():
                record = AppliedOperation(user_id=user_id, op_id=op_id, kind=op["kind"],
                                          production_id=person.production_id, applied_at=received_at)
                db.session.add(record)
                db.session.flush()
                record.result = HANDLERS[op["kind"]](person, _payload(op), tap)
            return {"id": op_id, "status": "applied", "result": record.result}
        except IntegrityError:
            earlier = db.session.scalar(sa.select(AppliedOperation).where(
                AppliedOperation.user_id == user_id, AppliedOperation.op_id == op_id))
            if earlier is not None:
                return {"id": op_id, "status": "duplicate", "result": earlier.result}
        except Rejected as rejected:
            return _rejected(op_id, rejected)
        except Conflict as conflict:
            return {"id": op_id, "status": "conflict", "reason": "stale",
                    "message": str(conflict), "conflict": conflict.details}
    raise Busy()


def _rejected(op_id, rejected: Rejected) -> dict:
    result = {"id": op_id if isinstance(op_id, str) else None, "status": "rejected",
              "reason": rejected.reason, "message": rejected.message}
    if rejected.errors:
        result["errors"] = rejected.errors
    return result


def _payload(op: dict) -> dict:
    try:
        return PAYLOADS[op["kind"]]().load(op["payload"])
    except ValidationError as error:
        raise Rejected("malformed", "This action could not be read.", {"payload": error.messages})


def _in_production(model, object_id: int, production_id: int, what: str):
    found = db.session.scalar(sa.select(model).where(
        model.id == object_id, model.production_id == production_id))
    if found is None:
        raise Rejected("not_found", f"That {what} is not on this production.")
    return found


def _subject(actor: Person, person_id: int | None) -> tuple[Person, bool]:
    """Return who the event is about, and whether it was recorded by hand."""
    if person_id is None or person_id == actor.id:
        return actor, False
    if not actor.is_coordinator:
        raise Rejected("forbidden", "Only the production office can check in someone else.")
    return _in_production(Person, person_id, actor.production_id, "person"), True


def _event(kind: str, actor: Person, payload: dict, tap: Tap, **extra) -> dict:
    day = _in_production(ShootDay, payload["shoot_day_id"], actor.production_id, "shoot day")
    subject, by_hand = _subject(actor, payload.get("person_id"))
    event = CheckIn(production_id=actor.production_id, shoot_day_id=day.id, person_id=subject.id,
                    kind=kind, by_hand=by_hand, recorded_by_id=actor.id if by_hand else None,
                    tapped_at=tap.tapped_at, sent_at=tap.sent_at, received_at=tap.received_at,
                    clock_offset_ms=round(tap.offset.total_seconds() * 1000),
                    occurred_at=tap.corrected, op_id=tap.op_id, **extra)
    db.session.add(event)
    db.session.flush()
    return {"event_id": event.id, "person_id": subject.id, "by_hand": by_hand,
            "occurred_at": tap.corrected.isoformat()}


def check_in(actor: Person, payload: dict, tap: Tap) -> dict:
    """Record an arrival, by the person or by hand by the production office."""
    return _event(ARRIVAL, actor, payload, tap)


def check_out(actor: Person, payload: dict, tap: Tap) -> dict:
    """Record a wrap."""
    return _event(WRAP, actor, payload, tap)


def running_late(actor: Person, payload: dict, tap: Tap) -> dict:
    """Record that the person is running late, with their ETA."""
    return _event(RUNNING_LATE, actor, {**payload, "person_id": None}, tap,
                  eta=payload["eta"], note=payload["note"])


def confirm_revision(actor: Person, payload: dict, tap: Tap) -> dict:
    """Confirm receipt of a published revision; the earliest confirmation's time stands.

    Unlike the online confirm, a confirmation queued on a phone is recorded even when a newer
    revision came out meanwhile: the person did read the one they confirmed. The result names the
    newer revision so the phone can ask them to read and confirm that too."""
    revision = _in_production(CallSheetRevision, payload["revision_id"], actor.production_id,
                              "call sheet revision")
    if entry_of(revision.content, actor.id) is None:
        raise Rejected("not_called", "You are not called on this call sheet, so there is nothing to confirm.")
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


def update_field(actor: Person, payload: dict, tap: Tap) -> dict:
    """Set one field of a shoot day if nobody changed the day since the coordinator saw it."""
    if not actor.is_coordinator:
        raise Rejected("forbidden", "Only the production office can change this.")
    day = _in_production(ShootDay, payload["entity_id"], actor.production_id, "shoot day")
    name = payload["field"]
    try:
        value = field_value(name, payload["value"])
    except ValidationError as error:
        raise Rejected("malformed", "That value is not valid.", {"payload": error.messages})
    current = getattr(day, name)
    if day.version != payload["base_version"] and current != value:
        raise Conflict({"entity": "shoot_day", "entity_id": day.id, "field": name, "yours": value,
                        "theirs": current, "base_version": payload["base_version"],
                        "server_version": day.version})
    if current != value:
        setattr(day, name, value)
        day.version += 1
        db.session.flush()
    return {"entity_id": day.id, "field": name, "value": value, "version": day.version}


HANDLERS = {"check_in": check_in, "check_out": check_out, "running_late": running_late,
            "confirm_revision": confirm_revision, "update_field": update_field}
