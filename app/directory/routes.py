"""The crew directory, my profile and sharing, and the crew list as CSV for the office."""

import re

from flask import Blueprint, redirect, request, url_for
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from app.auth.permissions import login_required
from app.crew.membership import coordination, membership
from app.crew.models import Person
from app.directory import service
from app.directory.schemas import ProfileSchema
from app.extensions import db
from app.forms import clash, field_errors
from app.sync import Rejected
from app.web import render

bp = Blueprint("directory", __name__, url_prefix="/p/<int:production_id>")
bp.register_error_handler(IntegrityError, clash)  # an email taken at the same moment: 409


@bp.get("/directory")
@login_required
def directory(production_id: int):
    """Show the crew by department with the numbers and emails this viewer may call or write to."""
    me = membership(production_id)
    return render("directory/directory.html", me=me, production=me.production, groups=service.directory(me))


def _profile_page(me: Person, form: dict | None = None, errors: dict | None = None, status: int = 200):
    form = form if form is not None else {key: getattr(me, key) for key in service.PROFILE_FIELDS}
    feed_url = url_for("calendar.feed", feed_token=me.calendar_token, _external=True) if me.calendar_token else None
    return render(
        "directory/me.html",
        "profile",
        status,
        me=me,
        production=me.production,
        form=form,
        errors=errors or {},
        feed_url=feed_url,
        saved=request.args.get("saved"),
    )


@bp.get("/me")
@login_required
def me(production_id: int):
    """Show my profile, what I share with the crew, my emergency contact and my calendar feed."""
    return _profile_page(membership(production_id))


@bp.post("/me")
@login_required
def save_me(production_id: int):
    """Change my own name, contacts, sharing and emergency contact."""
    me = membership(production_id)
    form = request.form.to_dict()
    try:
        service.update_profile(me, ProfileSchema().load(form))
    except (ValidationError, Rejected) as error:
        db.session.rollback()
        form.setdefault("share_phone", False)
        form.setdefault("share_email", False)
        return _profile_page(me, form, field_errors(error), 422)
    db.session.commit()
    return redirect(url_for(".me", production_id=production_id, saved=1), 303)


@bp.post("/me/calendar")
@login_required
def reset_calendar(production_id: int):
    """Give me a new private calendar feed link; the old one stops working."""
    me = membership(production_id)
    service.reset_calendar_token(me)
    db.session.commit()
    return redirect(url_for(".me", production_id=production_id) + "#calendar", 303)


@bp.get("/crew.csv")
@login_required
def crew_csv(production_id: int):
    """Download the crew list, private contacts and emergency contacts included, as CSV."""
    me = coordination(production_id)
    slug = re.sub(r"[^a-z0-9]+", "-", me.production.title.lower()).strip("-") or "crew"
    return (
        service.crew_csv(production_id).encode("utf-8"),
        200,
        {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{slug}-crew.csv"',
            "Cache-Control": "no-store",
        },
    )
