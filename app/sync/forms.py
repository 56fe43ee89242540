"""The no-JavaScript twin of the outbox: an action posted as a plain form, applied the same way."""
import uuid

from flask import abort, redirect, request, url_for

from app.auth.permissions import current_user, login_required, membership
from app.extensions import db
from app.sync import registry, service
from app.sync.api import bp
from app.timeutil import utcnow

FORM_ONLY = ("csrf_token", "op_id", "next")


def new_op_id() -> str:
    """Return a fresh operation id for a rendered form (a double submit is then a duplicate)."""
    return str(uuid.uuid4())


def apply_now(op_id, production_id: int, kind: str, payload: dict) -> dict:
    """Apply one operation tapped on this request, through the same path as the outbox."""
    now = utcnow()
    op = {"id": str(op_id or uuid.uuid4()), "production_id": production_id, "kind": kind,
          "tapped_at": now.isoformat(), "payload": payload}
    return service.apply_batch(current_user().id, [op], now, now)[0]


def _safe_next(target: str | None, production_id: int) -> str:
    # Control characters (CR/LF in a Location header) and odd spaces send the person home.
    if (target and target.isprintable() and target.startswith("/") and not target.startswith("//")
            and "\\" not in target):
        return target
    return url_for("callsheets.my_day", production_id=production_id)


@bp.post("/p/<int:production_id>/actions/<kind>")
@login_required
def act(production_id: int, kind: str):
    """Apply an outbox action posted as a plain form (the page works without JavaScript)."""
    membership(production_id)
    if registry.operation(kind) is None:
        abort(404)
    form = request.form.to_dict()
    payload = {key: value for key, value in form.items() if key not in FORM_ONLY}
    try:
        op_id = uuid.UUID(form.get("op_id", ""))
    except ValueError:
        op_id = None
    result = apply_now(op_id, production_id, kind, payload)
    db.session.commit()
    if result["status"] in ("rejected", "conflict"):
        abort(422 if result["status"] == "rejected" else 409, result["message"])
    return redirect(_safe_next(form.get("next"), production_id), 303)
