"""Departments: add, rename, reorder, and their call offset from general crew call."""

from datetime import date

from flask import redirect, request, url_for
from marshmallow import ValidationError

from app.auth.permissions import login_required
from app.crew import service as crew
from app.crew.membership import coordination, in_production
from app.crew.models import Department
from app.crew.schemas import DepartmentSchema, MoveSchema
from app.extensions import db
from app.forms import field_errors
from app.schedule import service
from app.schedule.routes import P, bp
from app.sync import Rejected
from app.web import render, wants_fragment

DEFAULT_GENERAL_CALL = 7 * 60


def _reference_day(production_id: int):
    days = service.shoot_days(production_id)
    upcoming = [day for day in days if day.date >= date.today()]
    return (upcoming or days or [None])[0]


def departments_page(me, status: int = 200, new: dict | None = None, edit: dict | None = None):
    """Render the departments screen (or only its list for htmx)."""
    reference = _reference_day(me.production_id)
    return render(
        "schedule/departments.html",
        "departments",
        status,
        production=me.production,
        me=me,
        section="departments",
        departments=crew.departments(me.production_id),
        reference=reference,
        general_call=reference.general_call if reference else DEFAULT_GENERAL_CALL,
        new=new or {"form": {"call_offset": "0:00"}, "errors": {}},
        edit=edit,
    )


def _answer(me, department_id: int | None = None):
    if wants_fragment():
        return departments_page(me)
    anchor = f"#department-{department_id}" if department_id else ""
    return redirect(url_for("schedule.departments", production_id=me.production_id) + anchor, code=303)


@bp.get(f"{P}/departments")
@login_required
def departments(production_id: int):
    """Show the departments in call sheet order with their calls."""
    return departments_page(coordination(production_id))


@bp.post(f"{P}/departments")
@login_required
def add_department(production_id: int):
    """Add a department."""
    me = coordination(production_id)
    form = request.form.to_dict()
    try:
        data = DepartmentSchema().load(form)
        department = crew.add_department(production_id, data["name"], data["call_offset"])
    except (ValidationError, Rejected) as error:
        db.session.rollback()
        return departments_page(me, 422, new={"form": form, "errors": field_errors(error)})
    db.session.commit()
    return _answer(me, department.id)


@bp.post(f"{P}/departments/<int:department_id>")
@login_required
def update_department(production_id: int, department_id: int):
    """Rename a department or change its call offset."""
    me = coordination(production_id)
    department = in_production(Department, department_id, production_id)
    form = request.form.to_dict()
    try:
        data = DepartmentSchema().load(form)
        crew.update_department(department, data["name"], data["call_offset"])
    except (ValidationError, Rejected) as error:
        db.session.rollback()
        edit = {"id": department_id, "form": form, "errors": field_errors(error)}
        return departments_page(me, 422, edit=edit)
    db.session.commit()
    return _answer(me, department_id)


@bp.post(f"{P}/departments/<int:department_id>/move")
@login_required
def move_department(production_id: int, department_id: int):
    """Move a department up or down the call sheet."""
    me = coordination(production_id)
    department = in_production(Department, department_id, production_id)
    try:
        crew.move_department(department, MoveSchema().load(request.form.to_dict())["direction"])
    except ValidationError as error:
        return departments_page(me, 422, edit={"id": department_id, "form": {}, "errors": field_errors(error)})
    db.session.commit()
    return _answer(me, department_id)
