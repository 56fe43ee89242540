"""POST /api/sync: apply a batch of queued offline operations (see sync/PROTOCOL.md)."""
from urllib.parse import urlsplit

from flask import Blueprint, jsonify, request, url_for
from marshmallow import ValidationError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import BuildError

from app.auth.permissions import current_user
from app.checkins import service, upcoming
from app.checkins.schemas import MAX_OPS, BatchSchema
from app.extensions import csrf, db
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


def revision_url(change: dict) -> str:
    """Return the page of a changed call sheet (the revision page when there is one)."""
    try:
        return url_for("callsheets.revision", production_id=change["production_id"],
                       revision_id=change["revision_id"])
    except BuildError:
        return url_for("callsheets.my_day", production_id=change["production_id"])


def pages_to_keep(user_id: int) -> list[str]:
    """Return the pages a person's phone keeps warm: My day of each production."""
    urls = []
    for person in upcoming.memberships(user_id):
        urls.append(url_for("callsheets.my_day", production_id=person.production_id))
        if person.is_coordinator:
            urls.append(url_for("checkins.today", production_id=person.production_id))
    return urls


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
        body = request.get_json(silent=True)
    except RequestEntityTooLarge:
        return _error(413, "too_large", "Too much at once; send fewer actions per batch.")
    if not isinstance(body, dict):
        return _error(400, "bad_json", "The request was not a JSON object.")
    if isinstance(body.get("ops"), list) and len(body["ops"]) > MAX_OPS:
        return _error(413, "too_many", f"Send at most {MAX_OPS} actions per batch.")
    try:
        batch = BatchSchema().load(body)
    except ValidationError as error:
        return _error(422, "invalid", "The batch could not be read.", errors=error.messages)
    try:
        results = service.apply_batch(user.id, batch["ops"], batch["sent_at"], received_at)
        changes = upcoming.changes_since(user.id, batch["cursor"], received_at)
        db.session.commit()
    except (service.Busy, OperationalError):
        db.session.rollback()
        return _error(503, "busy", "The server is busy; nothing was saved. Trying again shortly.")
    for change in changes:
        change["url"] = revision_url(change)
    keep = pages_to_keep(user.id) if changes or batch["cursor"] is None else []
    return jsonify({"results": results, "changes": changes, "prefetch": keep,
                    "cursor": upcoming.make_cursor(received_at),
                    "server_time": received_at.isoformat()})
