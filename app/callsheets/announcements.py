"""Coordinator announcements: to everyone on the production or chosen departments, push and feed."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import redirect, request, url_for
from marshmallow import ValidationError

from app.auth.permissions import login_required
from app.callsheets.routes import bp
from app.callsheets.schemas import AnnouncementSchema
from app.crew.membership import coordination
from app.crew.models import Department, Person
from app.crew.service import departments as departments_of
from app.extensions import db
from app.forms import field_errors
from app.push.service import Message, enqueue, received
from app.schedule.models import ShootDay
from app.schedule.service import shoot_days
from app.timeutil import utcnow
from app.web import render_partial, wants_fragment

FEED = "/notifications"


NEWS_HOURS = 24  # an announcement for no particular day shows on My day this long


class UnknownDepartment(ValueError):
    """A chosen department is not one of the production's."""


class UnknownDay(ValueError):
    """The chosen shoot day is not one of the production's."""


def source_of(production_id: int, day_id: int | None = None) -> str:
    """Name the feed source of an announcement: the production's, or the day it concerns."""
    return f"announcement:{production_id}" + (f":day:{day_id}" if day_id else "")


def announce(
    production_id: int, sender: Person, title: str, body: str, department_ids: list[int], day_id: int | None = None
) -> int:
    """Enqueue an announcement for everyone (or the chosen departments) but the sender; return how many.

    `day_id`: the shoot day it concerns, if any; My day shows it with that day's call.
    """
    chosen = set(department_ids)
    if chosen:
        known = set(
            db.session.scalars(
                sa.select(Department.id).where(Department.production_id == production_id, Department.id.in_(chosen))
            )
        )
        if known != chosen:
            raise UnknownDepartment("Choose departments of this production.")
    if (
        day_id is not None
        and db.session.scalar(
            sa.select(ShootDay.id).where(ShootDay.id == day_id, ShootDay.production_id == production_id)
        )
        is None
    ):
        raise UnknownDay("Choose a shoot day of this production.")
    query = sa.select(Person.id).where(Person.production_id == production_id, Person.id != sender.id)
    if chosen:
        query = query.where(Person.department_id.in_(chosen))
    recipients = list(db.session.scalars(query))
    message = Message(
        title=title,
        body=body or f"From {sender.name}, production office",
        url=FEED,
        source=source_of(production_id, day_id),
    )
    if recipients:
        enqueue(recipients, message)
    return len(recipients)


def for_my_day(person: Person, day_id: int, now: datetime | None = None) -> list:
    """Return the announcements a person received for a shoot day, and recent ones for no day, newest first."""
    since = (now or utcnow()) - timedelta(hours=NEWS_HOURS)
    return received(person.id, [source_of(person.production_id, day_id)], source_of(person.production_id), since)


def _form(me, status=200, form=None, errors=None, sent=None):
    return render_partial(
        "callsheets/_announce.html",
        status,
        production=me.production,
        departments=departments_of(me.production_id),
        days=shoot_days(me.production_id),
        announce={"form": form or {}, "errors": errors or {}, "sent": sent},
    )


@bp.post("/announcements")
@login_required
def announcement(production_id: int):
    """Send an announcement from the production office to everyone or chosen departments."""
    me = coordination(production_id)
    form = {
        "title": request.form.get("title", ""),
        "body": request.form.get("body", ""),
        "departments": request.form.getlist("departments"),
        "day": request.form.get("day", ""),
    }
    try:
        data = AnnouncementSchema().load(form)
        count = announce(production_id, me, data["title"], data["body"], data["departments"], data["day"])
    except ValidationError as error:
        db.session.rollback()
        return _form(me, 422, form, field_errors(error))
    except UnknownDepartment as error:
        db.session.rollback()
        return _form(me, 422, form, {"departments": [str(error)]})
    except UnknownDay as error:
        db.session.rollback()
        return _form(me, 422, form, {"day": [str(error)]})
    db.session.commit()
    if wants_fragment():
        return _form(me, sent=count)
    return redirect(url_for("callsheets.office", production_id=production_id), 303)
