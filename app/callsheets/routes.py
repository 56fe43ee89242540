"""Call sheets for crew: My day."""
from flask import Blueprint

from app.auth.permissions import login_required, membership
from app.web import render

bp = Blueprint("callsheets", __name__, url_prefix="/p/<int:production_id>")


@bp.get("/my-day")
@login_required
def my_day(production_id: int):
    """Show the signed-in person's call for today and the call sheet."""
    me = membership(production_id)
    return render("callsheets/my_day.html", me=me)
