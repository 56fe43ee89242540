"""Who is signed in, and their membership of a production: every query starts here."""
from functools import wraps
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import abort, g, redirect, request, url_for

from app.crew.models import COORDINATOR, Person
from app.extensions import db


def current_user():
    """Return the signed-in user or None."""
    return g.get("user")


def sign_in_redirect():
    """Send the visitor to the sign-in page and back here afterwards (the whole page for htmx)."""
    if request.headers.get("HX-Request") == "true":
        # A fragment request must not swap the sign-in page into a corner of the screen:
        # send the whole browser, and come back to the page (not the fragment) afterwards.
        page = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = page.path + (f"?{page.query}" if page.query else "") if page.path else ""
        return "", 401, {"HX-Redirect": url_for("auth.login", next=back or None)}
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def login_required(view):
    """Send anonymous visitors to the sign-in page."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user() is None:
            return sign_in_redirect()
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


def runs_another_office(user_id: int | None, production_id: int) -> bool:
    """Return True when the account coordinates a production other than production_id."""
    if user_id is None:
        return False
    return db.session.scalar(sa.select(sa.func.count(Person.id)).where(
        Person.user_id == user_id, Person.production_id != production_id,
        Person.role == COORDINATOR)) > 0


def in_production(model, object_id: int, production_id: int):
    """Load one object of a production; other productions' objects are 404."""
    found = db.session.scalar(sa.select(model).where(
        model.id == object_id, model.production_id == production_id))
    if found is None:
        abort(404)
    return found
