"""The live today board, check-in by hand, and the no-JavaScript fallback for offline actions."""
import uuid

from flask import Blueprint, abort, redirect, request, url_for
from marshmallow import ValidationError

from app.auth.permissions import current_user, login_required
from app.bounds import query_id
from app.checkins import service
from app.checkins.board import board, published_calls, today_shoot_day
from app.checkins.schemas import OP_KINDS, HandCheckInSchema
from app.crew.membership import coordination, in_production, membership
from app.extensions import db
from app.schedule.models import Production, ShootDay
from app.timeutil import minutes_of_day, utcnow
from app.web import htmx_request, render, safe_next

bp = Blueprint("checkins", __name__, url_prefix="/p/<int:production_id>")
FORM_ONLY = ("csrf_token", "op_id", "next")


def new_op_id() -> str:
    """Return a fresh operation id for a rendered form (a double submit is then a duplicate)."""
    return str(uuid.uuid4())


def _apply_now(op_id, production_id: int, kind: str, payload: dict) -> dict:
    """Apply one operation tapped on this request, through the same path as the outbox."""
    now = utcnow()
    op = {"id": str(op_id or uuid.uuid4()), "production_id": production_id, "kind": kind,
          "tapped_at": now.isoformat(), "payload": payload}
    return service.apply_batch(current_user().id, [op], now, now)[0]


def _render_board(production: Production, day: ShootDay | None, status: int = 200, message: str = ""):
    revision, calls = published_calls(day) if day else (None, {})
    called, uncalled = board(day, production.timezone, calls) if day else ([], [])
    now_minutes = minutes_of_day(day.date, utcnow(), production.timezone) if day else None
    return render("checkins/today.html", "board", status, production=production, day=day, revision=revision,
                  called=called, uncalled=uncalled, now_minutes=now_minutes, message=message)


def _board_day(production: Production) -> ShootDay | None:
    day_id = query_id("day", request.values)
    if day_id is not None:
        return in_production(ShootDay, day_id, production.id)
    return today_shoot_day(production)


@bp.get("/today")
@login_required
def today(production_id: int):
    """Show who is here, late, running late or wrapped today; htmx polls the board block."""
    coordination(production_id)
    production = db.session.get(Production, production_id)
    return _render_board(production, _board_day(production))


@bp.post("/today/check-in")
@login_required
def check_in_by_hand(production_id: int):
    """Check someone in by hand (a crew member without a phone), marked as such."""
    coordination(production_id)
    production = db.session.get(Production, production_id)
    try:
        form = HandCheckInSchema().load(request.form.to_dict())
    except ValidationError:
        abort(422, "Choose who to check in.")
    day = in_production(ShootDay, form["shoot_day_id"], production_id)
    result = _apply_now(form["op_id"], production_id, "check_in",
                        {"shoot_day_id": day.id, "person_id": form["person_id"]})
    db.session.commit()
    if result["status"] == "rejected":
        return _render_board(production, day, 422, result["message"])
    if not htmx_request():
        return redirect(url_for(".today", production_id=production_id, day=day.id), 303)
    return _render_board(production, day)


@bp.post("/actions/<kind>")
@login_required
def act(production_id: int, kind: str):
    """Apply an outbox action posted as a plain form (the page works without JavaScript)."""
    membership(production_id)
    if kind not in OP_KINDS:
        abort(404)
    form = request.form.to_dict()
    payload = {key: value for key, value in form.items() if key not in FORM_ONLY}
    try:
        op_id = uuid.UUID(form.get("op_id", ""))
    except ValueError:
        op_id = None
    result = _apply_now(op_id, production_id, kind, payload)
    db.session.commit()
    if result["status"] in ("rejected", "conflict"):
        abort(422 if result["status"] == "rejected" else 409, result["message"])
    back = safe_next(form.get("next")) or url_for("callsheets.my_day", production_id=production_id)
    return redirect(back, 303)
