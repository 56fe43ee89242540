"""Apply queued offline operations exactly once, each in its own savepoint. Never commits.

Every operation is read and judged first, outside any write transaction; only the ones that
can apply then run, back to back, in savepoints inside short write transactions (the
endpoint commits whenever one has been open for SYNC_WRITE_BUDGET_MS).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import ObjectDeletedError

from app.extensions import db
from app.sync import registry
from app.sync.models import AppliedOperation
from app.sync.protocol import Busy, Conflict, OperationSchema, Rejected, Tap, op_size


@dataclass
class Ready:
    """An operation read and judged, waiting for the write transaction."""

    index: int
    op_id: str
    kind: str
    actor: object
    payload: dict
    tap: Tap


@dataclass(frozen=True)
class Limits:
    op_bytes: int
    max_skew: timedelta
    max_age: timedelta

    @classmethod
    def from_config(cls) -> "Limits":
        config = current_app.config
        return cls(
            config["SYNC_MAX_OP_BYTES"],
            timedelta(days=config["SYNC_CLOCK_MAX_SKEW_DAYS"]),
            timedelta(days=config["SYNC_TAP_MAX_AGE_DAYS"]),
        )


def begin_write() -> None:
    """Open the write transaction up front on SQLite, so savepoints nest inside it."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    # pysqlite opens transactions lazily and would let a savepoint act as its own
    # transaction (committed on release); take the write lock explicitly instead.
    if not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def judge_batch(
    user_id: int, raw_ops: list, sent_at: datetime, received_at: datetime, limits: Limits | None = None
) -> tuple[list[dict | None], list[Ready]]:
    """Read and judge every operation without writing: results so far (None: still to apply), and those ready."""
    limits = limits or Limits.from_config()
    members = registry.members(user_id)
    results: list[dict | None] = []
    ready: list[Ready] = []
    for index, raw in enumerate(raw_ops):
        try:
            ready.append(read_op(index, raw, members, sent_at, received_at, limits))
            results.append(None)
        except Rejected as rejected:
            results.append(_rejected(raw.get("id") if isinstance(raw, dict) else None, rejected))
    return results, ready


def apply_batch(
    user_id: int, raw_ops: list, sent_at: datetime, received_at: datetime, limits: Limits | None = None
) -> list[dict]:
    """Apply each operation at most once for this user, in one transaction; one result per operation."""
    results, ready = judge_batch(user_id, raw_ops, sent_at, received_at, limits)
    if ready:
        begin_write()
    for op in ready:
        results[op.index] = apply_one(user_id, op)
    return results


def read_op(index: int, raw, members: dict, sent_at: datetime, received_at: datetime, limits: Limits) -> Ready:
    """Read, bound and judge one raw operation without writing; raise Rejected."""
    if op_size(raw) > limits.op_bytes:
        raise Rejected(f"This action is larger than {limits.op_bytes // 1024} KB.", reason="too_large")
    try:
        op = OperationSchema().load(raw if isinstance(raw, dict) else {})
    except ValidationError as error:
        raise Rejected("This action could not be read.", reason="malformed", errors=error.messages) from None
    operation = registry.operation(op["kind"])
    if operation is None:
        raise Rejected(
            "This action could not be read.", reason="malformed", errors={"kind": ["Not an action Callboard knows."]}
        )
    actor = members.get(op["production_id"])
    if actor is None:
        raise Rejected("You are not on that production.", reason="not_member")
    try:
        payload = operation.payload_schema().load(op["payload"])
    except ValidationError as error:
        raise Rejected(
            "This action could not be read.", reason="malformed", errors={"payload": error.messages}
        ) from None
    tap = Tap(str(op["id"]), op["tapped_at"], op["sent_at"] or sent_at, received_at)
    tap.judge(limits.max_skew, limits.max_age)
    return Ready(index, tap.op_id, op["kind"], actor, payload, tap)


def apply_one(user_id: int, op: Ready) -> dict:
    """Apply one judged operation in a savepoint; a failure rolls back only this operation."""
    handler = registry.operation(op.kind).handler
    for _attempt in range(2):
        try:
            with db.session.begin_nested():
                record = AppliedOperation(
                    user_id=user_id,
                    op_id=op.op_id,
                    kind=op.kind,
                    production_id=op.actor.production_id,
                    applied_at=op.tap.received_at,
                )
                db.session.add(record)
                db.session.flush()
                record.result = handler(op.actor, op.payload, op.tap)
            return {"id": op.op_id, "status": "applied", "result": record.result}
        except IntegrityError:
            earlier = db.session.scalar(
                sa.select(AppliedOperation).where(
                    AppliedOperation.user_id == user_id, AppliedOperation.op_id == op.op_id
                )
            )
            if earlier is not None:
                return {"id": op.op_id, "status": "duplicate", "result": earlier.result}
        except Rejected as rejected:
            return _rejected(op.op_id, rejected)
        except ObjectDeletedError:  # the membership was removed since the batch was judged
            return _rejected(op.op_id, Rejected("You are not on that production.", reason="not_member"))
        except Conflict as conflict:
            return {
                "id": op.op_id,
                "status": "conflict",
                "reason": "stale",
                "message": str(conflict),
                "conflict": conflict.details,
            }
    raise Busy()


def _rejected(op_id, rejected: Rejected) -> dict:
    result = {
        "id": op_id if isinstance(op_id, str) else None,
        "status": "rejected",
        "reason": rejected.reason,
        "message": rejected.message,
    }
    if rejected.errors:
        result["errors"] = rejected.errors
    return result
