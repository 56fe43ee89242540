"""POST /api/sync: apply a batch of queued offline operations (see sync/PROTOCOL.md)."""

from time import monotonic, sleep
from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, request
from marshmallow import ValidationError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import RequestEntityTooLarge

from app.auth.permissions import current_user
from app.extensions import csrf, db
from app.sync import registry, service
from app.sync.protocol import MAX_OPS, BadBatch, BatchSchema, Busy, make_cursor, read_batch, read_cursor
from app.timeutil import utcnow

bp = Blueprint("sync", __name__)


def _error(status: int, code: str, message: str, **extra):
    response = jsonify({"error": code, "message": message, **extra})
    response.status_code = status
    if status == 503:
        response.headers["Retry-After"] = "2"
    return response


def same_origin_request() -> bool:
    """Return True when the request carries the sync header and comes from this origin."""
    headers = request.headers
    if headers.get("X-Callboard-Sync") != "1" or not request.is_json:
        return False
    origin = headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc != request.host:
        return False
    return headers.get("Sec-Fetch-Site", "same-origin") == "same-origin"


def _body():
    """Return the parsed body within the batch caps; raise BadBatch."""
    config = current_app.config
    limit = config["SYNC_MAX_BATCH_BYTES"]
    if (request.content_length or 0) > limit:
        raise BadBatch(413, "too_large", "Too much at once; send fewer actions per batch.")
    try:
        raw = request.get_data(cache=False)
    except RequestEntityTooLarge:
        raise BadBatch(413, "too_large", "Too much at once; send fewer actions per batch.") from None
    return read_batch(raw, limit, config["SYNC_MAX_DEPTH"])


def _apply(user_id: int, batch: dict, received_at) -> list[dict]:
    """Apply the batch's judged operations in write transactions no longer than the budget.

    Each transaction is committed once it has been open for SYNC_WRITE_BUDGET_MS, so other
    people's saves wait for one short transaction, never for a whole 200-operation batch. An
    operation and its applied-operation row always commit together, so a retry after a 503
    answers `duplicate` for what was already saved."""
    results, ready = service.judge_batch(user_id, batch["ops"], batch["sent_at"], received_at)
    budget = current_app.config["SYNC_WRITE_BUDGET_MS"] / 1000
    # PostgreSQL locks rows and queues waiters; SQLite's one write lock is polled for.
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    pause = current_app.config["SYNC_WRITE_PAUSE_MS"] / 1000 if sqlite else 0
    opened = None
    for op in ready:
        if opened is None:
            service.begin_write()
            opened = monotonic()
        results[op.index] = service.apply_one(user_id, op)
        if monotonic() - opened >= budget:
            db.session.commit()
            opened = None
            if pause:  # step aside, or this batch takes SQLite's lock straight back
                sleep(pause)
    db.session.commit()  # the last write transaction ends here; what follows only reads
    return results


@bp.post("/api/sync")
@csrf.exempt  # queued operations outlive form tokens: same-origin checks instead
def sync():
    """Apply the batch, answer per operation, and say what changed since the cursor."""
    received_at = utcnow()
    if not same_origin_request():
        return _error(403, "csrf", "This request did not come from Callboard.")
    user = current_user()
    if user is None:
        return _error(401, "signed_out", "Sign in again. Your actions are kept on this phone.")
    try:
        body = _body()
    except BadBatch as bad:
        return _error(bad.status, bad.code, bad.message)
    if not isinstance(body, dict):
        return _error(400, "bad_json", "The request was not a JSON object.")
    if isinstance(body.get("ops"), list) and len(body["ops"]) > MAX_OPS:
        return _error(413, "too_many", f"Send at most {MAX_OPS} actions per batch.")
    try:
        batch = BatchSchema().load(body)
    except ValidationError as error:
        return _error(422, "invalid", "The batch could not be read.", errors=error.messages)
    try:
        results = _apply(user.id, batch, received_at)
    except (Busy, OperationalError):
        db.session.rollback()
        return _error(503, "busy", "The server is busy. Trying again shortly; nothing is saved twice.")
    since = read_cursor(batch["cursor"], received_at)
    changes = registry.changes(user.id, since, received_at)
    keep = registry.pages(user.id) if changes or since is None else []
    return jsonify(
        {
            "results": results,
            "changes": changes,
            "prefetch": keep,
            "cursor": make_cursor(received_at),
            "server_time": received_at.isoformat(),
        }
    )
