"""The production office: shoot days of a production."""
import sqlalchemy as sa
from flask import Blueprint

from app.auth.permissions import coordination, login_required
from app.extensions import db
from app.schedule.models import Production, ShootDay
from app.web import render

bp = Blueprint("schedule", __name__, url_prefix="/p/<int:production_id>")


@bp.get("/")
@login_required
def office(production_id: int):
    """Show the coordinator's overview of the production."""
    coordinator = coordination(production_id)
    production = db.session.get(Production, production_id)
    days = db.session.scalars(sa.select(ShootDay).where(
        ShootDay.production_id == production_id).order_by(ShootDay.date)).all()
    return render("schedule/office.html", production=production, days=days, me=coordinator)
