"""The no-JavaScript twin of the outbox: an action posted as a plain form, applied the same way."""

import uuid

from flask import abort, redirect, request, url_for

from app.auth.permissions import current_user, login_required
from app.extensions import db
from app.sync import registry, service
from app.sync.api import bp
from app.timeutil import utcnow
from app.web import safe_next

FORM_ONLY = ("csrf_token", "op_id", "next")


def new_op_id() -> str:
    """Return a fresh operation id for a rendered form (a double submit is then a duplicate)."""
    return str(uuid.uuid4())


def apply_now(op_id, production_id: int, kind: str, payload: dict) -> dict:
    """Apply one operation tapped on this request, through the same path as the outbox."""
    now = utcnow()
    op = {
        "id": str(op_id or uuid.uuid4()),
        "production_id": production_id,
        "kind": kind,
        "tapped_at": now.isoformat(),
        "payload": payload,
    }
    return service.apply_batch(current_user().id, [op], now, now)[0]


@bp.post("/p/<int:production_id>/actions/<kind>")
@login_required
def act(production_id: int, kind: str):
    """Apply an outbox action posted as a plain form (the page works without JavaScript)."""
    if production_id not in registry.members(current_user().id):
        abort(404)  # other productions' actions are not found, like their pages
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
    back = safe_next(form.get("next")) or url_for("callsheets.my_day", production_id=production_id)
    return redirect(back, 303)
