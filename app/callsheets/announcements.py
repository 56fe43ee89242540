"""Coordinator announcements: to everyone on the production or chosen departments, push and feed."""
import sqlalchemy as sa
from flask import redirect, request, url_for
from marshmallow import ValidationError

from app.auth.permissions import login_required
from app.callsheets.routes import bp
from app.callsheets.schemas import AnnouncementSchema
from app.forms import field_errors
from app.crew.membership import coordination
from app.crew.models import Department, Person
from app.crew.service import departments as departments_of
from app.extensions import db
from app.push.service import Message, enqueue
from app.web import render_partial, wants_fragment

FEED = "/notifications"


class UnknownDepartment(ValueError):
    """A chosen department is not one of the production's."""


def announce(production_id: int, sender: Person, title: str, body: str, department_ids: list[int]) -> int:
    """Enqueue an announcement for everyone (or the chosen departments) but the sender; return how many."""
    chosen = set(department_ids)
    if chosen:
        known = set(db.session.scalars(sa.select(Department.id).where(
            Department.production_id == production_id, Department.id.in_(chosen))))
        if known != chosen:
            raise UnknownDepartment("Choose departments of this production.")
    query = sa.select(Person.id).where(Person.production_id == production_id, Person.id != sender.id)
    if chosen:
        query = query.where(Person.department_id.in_(chosen))
    recipients = list(db.session.scalars(query))
    message = Message(title=title, body=body or f"From {sender.name}, production office", url=FEED,
                      source=f"announcement:{production_id}")
    if recipients:
        enqueue(recipients, message)
    return len(recipients)


def _form(me, status=200, form=None, errors=None, sent=None):
    return render_partial("callsheets/_announce.html", status, production=me.production,
                    departments=departments_of(me.production_id), announce={
                        "form": form or {}, "errors": errors or {}, "sent": sent})


@bp.post("/announcements")
@login_required
def announcement(production_id: int):
    """Send an announcement from the production office to everyone or chosen departments."""
    me = coordination(production_id)
    form = {"title": request.form.get("title", ""), "body": request.form.get("body", ""),
            "departments": request.form.getlist("departments")}
    try:
        data = AnnouncementSchema().load(form)
        count = announce(production_id, me, data["title"], data["body"], data["departments"])
    except ValidationError as error:
        db.session.rollback()
        return _form(me, 422, form, field_errors(error))
    except UnknownDepartment as error:
        db.session.rollback()
        return _form(me, 422, form, {"departments": [str(error)]})
    db.session.commit()
    if wants_fragment():
        return _form(me, sent=count)
    return redirect(url_for("callsheets.office", production_id=production_id), 303)
