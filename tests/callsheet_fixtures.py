"""Fixtures for call sheet tests: the demo film seeded from today in its own time zone."""

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import undefer

from app.callsheets.models import CallSheetRevision
from app.crew.models import Person
from app.extensions import db
from app.schedule.models import PersonCall, Production, ShootDay
from app.seed import seed_demo

CREW = "crew@example.com"
COORDINATOR = "coordinator@example.com"


def production_today():
    return datetime.now(ZoneInfo("Europe/London")).date()


@dataclass
class Film:
    """Ids of the seeded demo: the feature film (published day 1) and the short."""

    app: object
    id: int
    day_ids: list[int]
    short_id: int
    short_day_id: int
    chris_id: int  # crew@example.com, 1st AC, shares their phone
    dana_id: int  # coordinator@example.com
    priya_id: int  # UPM, phone not shared, not a head of department

    def url(self, path: str) -> str:
        return f"/p/{self.id}{path}"

    def revisions(self) -> list[CallSheetRevision]:
        with self.app.app_context():
            rows = db.session.scalars(
                sa.select(CallSheetRevision)
                .where(CallSheetRevision.production_id == self.id)
                .order_by(CallSheetRevision.id)
                .options(undefer(CallSheetRevision.content), undefer(CallSheetRevision.changes))
            ).all()
            db.session.expunge_all()
            return rows

    @contextmanager
    def editing(self):
        """Change live data in an app context and commit, as the day editor would."""
        with self.app.app_context():
            yield db.session
            db.session.commit()

    def move_call(self, person_id: int, minutes: int, day_index: int = 0, **fields) -> None:
        """Override a person's call on a day (a draft change)."""
        with self.editing() as session:
            day_id = self.day_ids[day_index]
            row = session.scalar(
                sa.select(PersonCall).where(PersonCall.shoot_day_id == day_id, PersonCall.person_id == person_id)
            )
            if row is None:
                row = PersonCall(production_id=self.id, shoot_day_id=day_id, person_id=person_id)
                session.add(row)
            row.call_override = minutes
            for name, value in fields.items():
                setattr(row, name, value)


def _person(production_id: int, name: str) -> int:
    return db.session.scalar(sa.select(Person.id).where(Person.production_id == production_id, Person.name == name))


@pytest.fixture
def film(app):
    with app.app_context():
        seed_demo(production_today())
        db.session.commit()
        film_id, short_id = (
            db.session.scalar(sa.select(Production.id).where(Production.title == title))
            for title in ("The Iron Men", "Night Ferry (short)")
        )
        day_ids = list(
            db.session.scalars(sa.select(ShootDay.id).where(ShootDay.production_id == film_id).order_by(ShootDay.date))
        )
        short_day_id = db.session.scalar(sa.select(ShootDay.id).where(ShootDay.production_id == short_id))
        return Film(
            app,
            film_id,
            day_ids,
            short_id,
            short_day_id,
            _person(film_id, "Chris Dunmore"),
            _person(film_id, "Dana Whitfield"),
            _person(film_id, "Priya Raman"),
        )


def publish(client, film: Film, day_index: int = 0):
    """Publish a day's call sheet through the route, as the coordinator (who must be signed in)."""
    return client.post(film.url(f"/days/{film.day_ids[day_index]}/publish"))


def text_of(response) -> str:
    """Return the response's HTML with tags removed and whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
