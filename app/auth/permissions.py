"""Who is signed in, and their membership of a production: every query starts here."""
from functools import wraps

import sqlalchemy as sa
from flask import abort, g, redirect, request, url_for

from app.crew.models import Person
from app.extensions import db


def current_user():
    """Return the signed-in user or None."""
    return g.get("user")


def login_required(view):
    """Send anonymous visitors to the sign-in page."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def membership(production_id: int) -> Person:
    """Return the current user's membership of a production; 404 when there is none."""
    user = current_user()
    if user is None:
        abort(404)
    person = db.session.scalar(sa.select(Person).where(
        Person.production_id == production_id, Person.user_id == user.id))
    if person is None:
        abort(404)
    return person


def coordination(production_id: int) -> Person:
    """Return the current user's membership if they coordinate the production; else 403/404."""
    person = membership(production_id)
    if not person.is_coordinator:
        abort(403, "Only the production office can change this.")
    return person


def in_production(model, object_id: int, production_id: int):
    """Load one object of a production; other productions' objects are 404."""
    found = db.session.scalar(sa.select(model).where(
        model.id == object_id, model.production_id == production_id))
    if found is None:
        abort(404)
    return found
