"""Set-up shared by the production office tests: the demo's ids, an outside coordinator, htmx headers."""

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.auth.service import hash_password
from app.crew.models import COORDINATOR, Department, Person
from app.extensions import db
from app.schedule.models import Location, Production, Scene, ShootDay

HX = {"HX-Request": "true"}
PASSWORD = "callboard-demo"


def production_ids(app, title: str) -> SimpleNamespace:
    """Return the ids of a seeded production and of one of each of its objects."""
    with app.app_context():
        production = db.session.scalar(sa.select(Production).where(Production.title == title))
        pid = production.id
        day = db.session.scalar(sa.select(ShootDay).where(ShootDay.production_id == pid).order_by(ShootDay.date))
        scene = db.session.scalar(sa.select(Scene).where(Scene.shoot_day_id == day.id).order_by(Scene.sort_order))
        person = db.session.scalar(
            sa.select(Person).where(Person.production_id == pid, Person.role != COORDINATOR).order_by(Person.id)
        )
        department = db.session.scalar(
            sa.select(Department).where(Department.production_id == pid).order_by(Department.sort_order)
        )
        location = db.session.scalar(sa.select(Location).where(Location.production_id == pid).order_by(Location.id))
        return SimpleNamespace(
            production=pid,
            day=day.id,
            scene=scene.id if scene else None,
            person=person.id,
            department=department.id,
            location=location.id,
        )


@pytest.fixture
def iron_men(demo):
    """The demo feature film (production A)."""
    return production_ids(demo, "The Iron Men")


@pytest.fixture
def night_ferry(demo):
    """The demo short (production B), which the demo coordinator also runs."""
    return production_ids(demo, "Night Ferry (short)")


@pytest.fixture
def ferry_office(demo, night_ferry):
    """Sign-in email of a coordinator who runs Night Ferry only."""
    with demo.app_context():
        user = User(email="ferry.office@example.com", name="Fen Ferris", password_hash=hash_password(PASSWORD))
        db.session.add(user)
        db.session.add(
            Person(production_id=night_ferry.production, user=user, role=COORDINATOR, name=user.name, email=user.email)
        )
        db.session.commit()
    return "ferry.office@example.com"


@pytest.fixture
def office(demo, client, auth):
    """A client signed in as the demo coordinator."""
    auth.login()
    return client


def fetch(app, model, object_id):
    """Load one row in a fresh app context (detached, attributes loaded)."""
    with app.app_context():
        found = db.session.get(model, object_id)
        if found is not None:
            db.session.refresh(found)
            db.session.expunge(found)
        return found
