"""The production office's overview: every shoot day with its published call sheet, and adding one."""

from datetime import date

from flask import request, url_for
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from app.auth.permissions import login_required
from app.callsheets.routes import bp
from app.callsheets.service import latest_revisions, unpublished_changes
from app.crew.membership import coordination
from app.crew.service import departments
from app.extensions import db
from app.forms import clash, field_errors
from app.schedule import service
from app.schedule.schemas import NewDaySchema
from app.sync import Rejected
from app.timeutil import production_today
from app.web import redirect_to, render


def _office_page(me, status=200, new=None):
    days = service.shoot_days(me.production_id)
    form = {
        "date": service.next_free_date(me.production_id, date.today()).isoformat(),
        "general_call": "07:00",
        "location_id": days[-1].location_id if days else None,
    }
    today = production_today(me.production)
    published = latest_revisions((day.id for day in days), with_content=False)
    return render(
        "callsheets/office.html",
        "add_day",
        status,
        production=me.production,
        me=me,
        days=days,
        published=published,
        section="days",
        # Only published upcoming days can have changes waiting (each costs a draft build).
        waiting={day.id: unpublished_changes(day) for day in days if day.date >= today and day.id in published},
        locations=service.locations(me.production_id),
        new=new or {"form": form, "errors": {}},
        departments=departments(me.production_id),
        announce={"form": {}, "errors": {}, "sent": None},
    )


@bp.get("/")
@login_required
def office(production_id: int):
    """Show the coordinator's overview: the shoot days, Day X of Y."""
    return _office_page(coordination(production_id))


@bp.post("/days")
@login_required
def add_day(production_id: int):
    """Add a shoot day and open it in the day editor."""
    me = coordination(production_id)
    form = request.form.to_dict()
    try:
        day = service.add_shoot_day(production_id, NewDaySchema().load(form))
    except (ValidationError, Rejected) as error:
        db.session.rollback()
        return _office_page(me, 422, new={"form": form, "errors": field_errors(error)})
    try:
        db.session.commit()
    except IntegrityError as error:  # two offices adding the same date at once
        return clash(error)
    target = url_for("schedule.day", production_id=production_id, day_id=day.id)
    return redirect_to(target)
