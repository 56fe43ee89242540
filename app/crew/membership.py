"""A signed-in user's membership of a production: every production query starts here."""

import sqlalchemy as sa
from flask import abort

from app.auth.permissions import current_user
from app.crew.models import COORDINATOR, Person
from app.extensions import db


def membership(production_id: int) -> Person:
    """Return the current user's membership of a production; 404 when there is none."""
    user = current_user()
    if user is None:
        abort(404)
    person = db.session.scalar(
        sa.select(Person).where(Person.production_id == production_id, Person.user_id == user.id)
    )
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
    return (
        db.session.scalar(
            sa.select(sa.func.count(Person.id)).where(
                Person.user_id == user_id, Person.production_id != production_id, Person.role == COORDINATOR
            )
        )
        > 0
    )


def in_production(model, object_id: int, production_id: int):
    """Load one object of a production; other productions' objects are 404."""
    found = db.session.scalar(sa.select(model).where(model.id == object_id, model.production_id == production_id))
    if found is None:
        abort(404)
    return found


def memberships(user_id: int) -> list[Person]:
    """Return every membership of a user, production by production."""
    return list(db.session.scalars(sa.select(Person).where(Person.user_id == user_id).order_by(Person.production_id)))


def memberships_by_production(user_id: int) -> dict[int, Person]:
    """Return a user's memberships by production id (who acts on which production, for sync)."""
    return {person.production_id: person for person in memberships(user_id)}
