"""The production office's crew list: add, change and remove people."""

from flask import Blueprint, redirect, request, url_for
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from app.auth.permissions import login_required
from app.auth.service import end_sessions_if_on_no_production
from app.bounds import query_id
from app.crew import onboarding, service
from app.crew.membership import coordination, in_production
from app.crew.models import Person
from app.crew.schemas import PersonSchema
from app.extensions import db
from app.forms import clash, field_errors
from app.sync import Rejected
from app.web import render, wants_fragment

bp = Blueprint("crew", __name__, url_prefix="/p/<int:production_id>/crew")
bp.register_error_handler(IntegrityError, clash)


def crew_page(
    me: Person,
    status: int = 200,
    new: dict | None = None,
    edit: dict | None = None,
    invited: onboarding.Outcome | None = None,
):
    """Render the crew list (or only its people block for htmx), with each person's invite state."""
    groups = service.people_by_department(me.production_id)
    return render(
        "crew/crew.html",
        "people",
        status,
        production=me.production,
        me=me,
        section="crew",
        groups=groups,
        invited=invited,
        states=onboarding.invite_states([p for _department, people in groups for p in people]),
        department_options=[(d.id, d.name) for d in service.departments(me.production_id)],
        new=new or {"form": {"role": "crew"}, "errors": {}},
        edit=edit,
    )


def _edit_state(person: Person, form: dict | None = None, errors: dict | None = None) -> dict:
    return {"id": person.id, "form": form or PersonSchema().dump(person), "errors": errors or {}}


def _back(production_id: int, person_id: int | None = None):
    anchor = f"#person-{person_id}" if person_id else ""
    return redirect(url_for("crew.crew", production_id=production_id) + anchor, code=303)


@bp.get("")
@login_required
def crew(production_id: int):
    """Show everyone on the production by department; ?edit=<id> opens one for editing."""
    me = coordination(production_id)
    edit_id = query_id("edit")
    edit = _edit_state(in_production(Person, edit_id, production_id)) if edit_id else None
    return crew_page(me, edit=edit)


@bp.post("")
@login_required
def add_person(production_id: int):
    """Add a person to the production."""
    me = coordination(production_id)
    form = request.form.to_dict()
    try:
        person = service.add_person(production_id, PersonSchema().load(form))
    except (ValidationError, Rejected) as error:
        db.session.rollback()
        return crew_page(me, 422, new={"form": form, "errors": field_errors(error), "open": True})
    db.session.commit()
    if wants_fragment():
        return crew_page(me)
    return _back(production_id, person.id)


@bp.post("/<int:person_id>")
@login_required
def update_person(production_id: int, person_id: int):
    """Change a person's details."""
    me = coordination(production_id)
    person = in_production(Person, person_id, production_id)
    form = request.form.to_dict()
    try:
        service.update_person(person, PersonSchema().load(form), acting=me)
    except (ValidationError, Rejected) as error:
        db.session.rollback()
        return crew_page(me, 422, edit=_edit_state(person, form, field_errors(error)))
    db.session.commit()
    return crew_page(me) if wants_fragment() else _back(production_id, person_id)


@bp.post("/<int:person_id>/remove")
@login_required
def remove_person(production_id: int, person_id: int):
    """Remove a person from the production."""
    me = coordination(production_id)
    person = in_production(Person, person_id, production_id)
    user_id = person.user_id
    try:
        service.remove_person(person, acting=me)
    except Rejected as error:
        return crew_page(me, 422, edit=_edit_state(person, errors=field_errors(error)))
    end_sessions_if_on_no_production(user_id)  # their last production: nothing left to sign in to
    db.session.commit()
    return crew_page(me) if wants_fragment() else _back(production_id)
