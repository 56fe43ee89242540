"""The day editor: a shoot day's details, its department calls and everyone's call."""

from flask import redirect, request, url_for
from marshmallow import ValidationError

from app.auth.permissions import login_required
from app.bounds import query_id
from app.crew.membership import coordination, in_production
from app.crew.models import Department, Person
from app.extensions import db
from app.forms import field_errors
from app.schedule import editor, service
from app.schedule.models import ShootDay
from app.schedule.rest import rest_shortfalls
from app.schedule.routes import P, bp
from app.schedule.schemas import DaySchema, DepartmentCallSchema, PersonCallSchema
from app.sync import Rejected
from app.web import render, render_partial, wants_fragment

DAY = f"{P}/days/<int:day_id>"
PAGE = "schedule/day.html"


def day_page(me: Person, day: ShootDay, status: int = 200, blocks: tuple = (), **state):
    """Render the day editor, or for htmx the named blocks (the first swapped, the rest out of band).

    A save also refreshes the day's actions out of band: their "Unpublished changes" count.
    """
    context = {
        "me": me,
        "section": "days",
        **editor.day_sections(day),
        "day_state": {"form": DaySchema().dump(day), "errors": {}},
        **state,
    }
    actions = ("day_actions",) if blocks and status < 400 else ()
    return render(PAGE, blocks[0] if blocks else None, status, oob=(*blocks[1:], *actions), **context)


def back_to(day: ShootDay, anchor: str):
    """Redirect to the day editor after a full-page save, at the piece that changed."""
    return redirect(url_for("schedule.day", production_id=day.production_id, day_id=day.id) + anchor, code=303)


@bp.get(DAY)
@login_required
def day(production_id: int, day_id: int):
    """Show the day editor; ?edit_scene=<id> opens a scene for editing without JavaScript."""
    me = coordination(production_id)
    shoot_day = in_production(ShootDay, day_id, production_id)
    return day_page(me, shoot_day, scene_edit=editor.scene_edit(shoot_day, query_id("edit_scene")))


@bp.post(DAY)
@login_required
def save_day(production_id: int, day_id: int):
    """Change the day's details; calls that follow general call move with it."""
    me = coordination(production_id)
    shoot_day = in_production(ShootDay, day_id, production_id)
    form = request.form.to_dict()
    try:
        data = DaySchema().load(form)
        service.update_day(shoot_day, data, based_on_version=data.pop("version", None))
    except (ValidationError, Rejected) as error:
        db.session.rollback()
        state = {"form": form, "errors": field_errors(error)}
        return day_page(me, shoot_day, 422, ("day_fields",), day_state=state)
    except service.StaleDay as stale:
        db.session.rollback()
        state = {"form": form, "errors": {"form": [str(stale)]}}
        return day_page(me, shoot_day, 409, ("day_fields",), day_state=state)
    db.session.commit()
    if not wants_fragment():
        return back_to(shoot_day, "#day-fields")
    return day_page(me, shoot_day, 200, ("day_fields", "day_head", "department_calls", "calls"), saved=True)


@bp.post(f"{DAY}/departments/<int:department_id>")
@login_required
def save_department_call(production_id: int, day_id: int, department_id: int):
    """Set a department's offset and notes for this day."""
    me = coordination(production_id)
    shoot_day = in_production(ShootDay, day_id, production_id)
    department = in_production(Department, department_id, production_id)
    form = request.form.to_dict()
    try:
        data = DepartmentCallSchema().load(form)
    except ValidationError as error:
        state = {"id": department_id, "form": form, "errors": field_errors(error)}
        return day_page(me, shoot_day, 422, ("department_calls",), department_edit=state)
    service.set_department_call(shoot_day, department, data["call_offset"], data["notes"])
    db.session.commit()
    if not wants_fragment():
        return back_to(shoot_day, f"#department-call-{department_id}")
    return day_page(me, shoot_day, 200, ("department_calls", "calls"))


@bp.post(f"{DAY}/calls/<int:person_id>")
@login_required
def save_call(production_id: int, day_id: int, person_id: int):
    """Set one person's call on the day: own call, cast times, status, called or not."""
    me = coordination(production_id)
    shoot_day = in_production(ShootDay, day_id, production_id)
    person = in_production(Person, person_id, production_id)
    form = request.form.to_dict()
    try:
        data = PersonCallSchema().load(form)
    except ValidationError as error:
        state = {"id": person_id, "form": form, "errors": field_errors(error)}
        if not wants_fragment():
            return day_page(me, shoot_day, 422, call_edit=state)
        return render_partial(
            "schedule/_call_row.html", 422, call=editor.call_of(shoot_day, person), day=shoot_day, call_edit=state
        )
    service.set_person_call(shoot_day, person, data)
    db.session.commit()
    if not wants_fragment():
        return back_to(shoot_day, f"#call-{person_id}")
    # The saved row; out of band, the rest shortfalls (which that call may change) and the
    # call sheet's "Unpublished changes" count.
    return render_partial(
        "schedule/_call_row.html",
        also=("schedule/_rest.html", "schedule/_day_actions_oob.html"),
        call=editor.call_of(shoot_day, person),
        day=shoot_day,
        saved=True,
        shortfalls=rest_shortfalls(shoot_day),
        oob_rest=True,
    )
