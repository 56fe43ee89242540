"""Shared helpers for the sync and today-board tests: operations and demo ids (real servers: tests/harness.py)."""

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.crew.models import Person
from app.extensions import db
from app.schedule.models import Production, ShootDay
from app.timeutil import production_today

SYNC_HEADERS = {"X-Callboard-Sync": "1", "Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}


def now() -> datetime:
    return datetime.now(UTC)


def op(
    production_id: int, kind: str, payload: dict, tapped_at: datetime | None = None, op_id: str | None = None
) -> dict:
    """Return one queued operation as the phone sends it."""
    return {
        "id": op_id or str(uuid.uuid4()),
        "production_id": production_id,
        "kind": kind,
        "tapped_at": (tapped_at or now()).isoformat(),
        "payload": payload,
    }


def post_sync(client, ops, cursor=None, sent_at=None, headers=None):
    """POST a batch to /api/sync the way the outbox does (no CSRF form token)."""
    body = {"protocol": 1, "sent_at": (sent_at or now()).isoformat(), "cursor": cursor, "ops": ops}
    sent = {k: v for k, v in {**SYNC_HEADERS, **(headers or {})}.items() if v is not None}
    return client.post("/api/sync", json=body, headers=sent, csrf=False)


class Cast:
    """Ids from the demo: the feature film, today's shoot day, and some of its people."""

    def __init__(self, app):
        with app.app_context():
            film = db.session.scalar(sa.select(Production).where(Production.title == "The Iron Men"))
            short = db.session.scalar(sa.select(Production).where(Production.title != "The Iron Men"))
            self.production_id, self.other_production_id = film.id, short.id
            self.day_id = ensure_today(film).id
            self.other_day_id = db.session.scalar(sa.select(ShootDay.id).where(ShootDay.production_id == short.id))
            self.crew_id = _person(film.id, "crew@example.com").id
            self.coordinator_id = _person(film.id, "coordinator@example.com").id
            self.crew_user_id = db.session.scalar(sa.select(User.id).where(User.email == "crew@example.com"))
            self.coordinator_user_id = db.session.scalar(
                sa.select(User.id).where(User.email == "coordinator@example.com")
            )
            self.gaffer_id = db.session.scalar(sa.select(Person.id).where(Person.name == "Kate Lindqvist"))
            db.session.commit()


def _person(production_id: int, email: str) -> Person:
    return db.session.scalar(
        sa.select(Person).join(User).where(Person.production_id == production_id, User.email == email)
    )


def ensure_today(production: Production) -> ShootDay:
    """Return the production's shoot day for today in its zone, moving day 1 there if needed."""
    today = production_today(production)
    day = db.session.scalar(sa.select(ShootDay).where(ShootDay.production_id == production.id, ShootDay.date == today))
    if day is None:
        days = db.session.scalars(
            sa.select(ShootDay).where(ShootDay.production_id == production.id).order_by(ShootDay.date)
        ).all()
        for offset, later in enumerate(days):
            later.date = today + timedelta(days=offset + 100)
        db.session.flush()
        for offset, later in enumerate(days):
            later.date = today + timedelta(days=offset)
        db.session.flush()
        day = days[0]
    return day
