"""The live today board and check-in by hand."""

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, request, url_for
from marshmallow import ValidationError

from app.auth.permissions import login_required
from app.bounds import query_id
from app.checkins.board import board, published_calls, today_shoot_day
from app.checkins.schemas import HandCheckInSchema
from app.crew.membership import coordination, in_production
from app.crew.models import COORDINATOR, Person
from app.extensions import db
from app.schedule.models import Production, ShootDay
from app.sync.forms import apply_now
from app.timeutil import minutes_of_day, utcnow
from app.web import htmx_request, render

bp = Blueprint("checkins", __name__, url_prefix="/p/<int:production_id>")


def boards_to_keep(user_id: int) -> list[str]:
    """Return the today board of each production the user coordinates, for their device to keep."""
    offices = db.session.scalars(
        sa.select(Person.production_id)
        .where(Person.user_id == user_id, Person.role == COORDINATOR)
        .order_by(Person.production_id)
    )
    return [url_for("checkins.today", production_id=production_id) for production_id in offices]


def _render_board(production: Production, day: ShootDay | None, status: int = 200, message: str = ""):
    revision, calls = published_calls(day) if day else (None, {})
    called, uncalled = board(day, production.timezone, calls) if day else ([], [])
    now_minutes = minutes_of_day(day.date, utcnow(), production.timezone) if day else None
    return render(
        "checkins/today.html",
        "board",
        status,
        production=production,
        day=day,
        revision=revision,
        called=called,
        uncalled=uncalled,
        now_minutes=now_minutes,
        message=message,
    )


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
    result = apply_now(
        form["op_id"], production_id, "check_in", {"shoot_day_id": day.id, "person_id": form["person_id"]}
    )
    db.session.commit()
    if result["status"] == "rejected":
        return _render_board(production, day, 422, result["message"])
    if not htmx_request():
        return redirect(url_for(".today", production_id=production_id, day=day.id), 303)
    return _render_board(production, day)
