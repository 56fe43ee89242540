"""Who is here, who is late and who has wrapped: the state of each person on a shoot day."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.callsheets.models import CallSheetRevision
from app.callsheets.service import latest_revision
from app.callsheets.viewing import called_people
from app.checkins.models import ARRIVAL, RUNNING_LATE, WRAP, CheckIn
from app.crew.models import Person
from app.extensions import db
from app.schedule.calls import day_calls
from app.schedule.models import Production, ShootDay
from app.timeutil import as_utc, minutes_of_day, production_today, utcnow

CHECKED_IN, WRAPPED, RUNNING, LATE, EXPECTED, NOT_CALLED = (
    "Checked in",
    "Wrapped",
    "Running late",
    "Late",
    "Expected",
    "Not called",
)
# Events at the same corrected instant are ordered arrival, then wrap, so the order they
# reached the server in never changes the outcome.
_KIND_ORDER = {RUNNING_LATE: 0, ARRIVAL: 1, WRAP: 2}


@dataclass
class Status:
    """A person's state on a day, with the time it shows (minutes from the day's midnight)."""

    label: str
    at: int | None = None
    by_hand: bool = False
    eta: int | None = None
    note: str = ""


@dataclass
class Row:
    person: Person
    call: int | None
    called: bool
    status: Status


def today_shoot_day(production: Production, now: datetime | None = None) -> ShootDay | None:
    """Return the production's shoot day for today in its own time zone, if it shoots today."""
    return db.session.scalar(
        sa.select(ShootDay).where(
            ShootDay.production_id == production.id, ShootDay.date == production_today(production, now)
        )
    )


def _sort_key(event: CheckIn):
    return (as_utc(event.occurred_at), _KIND_ORDER[event.kind], event.eta or 0, event.by_hand, event.op_id or "")


def person_status(events: list[CheckIn], call: int | None, now_minutes: int, day: ShootDay, zone: str) -> Status:
    """Derive a person's state from their events, whatever order they arrived in."""
    events = sorted(events, key=_sort_key)
    presence = [e for e in events if e.kind in (ARRIVAL, WRAP)]
    if presence:
        last = presence[-1]
        if last.kind == WRAP:
            return Status(WRAPPED, minutes_of_day(day.date, last.occurred_at, zone), last.by_hand)
        first = next(e for e in presence if e.kind == ARRIVAL)
        return Status(CHECKED_IN, minutes_of_day(day.date, first.occurred_at, zone), first.by_hand)
    late = [e for e in events if e.kind == RUNNING_LATE]
    if late:
        return Status(RUNNING, eta=late[-1].eta, note=late[-1].note)
    if call is None:
        return Status(NOT_CALLED)
    return Status(LATE if now_minutes > call else EXPECTED)


def events_by_person(day: ShootDay) -> dict[int, list[CheckIn]]:
    """Return every event of a shoot day, grouped by person."""
    grouped: dict[int, list[CheckIn]] = {}
    for event in db.session.scalars(sa.select(CheckIn).where(CheckIn.shoot_day_id == day.id)):
        grouped.setdefault(event.person_id, []).append(event)
    return grouped


def published_calls(day: ShootDay) -> tuple[CallSheetRevision | None, dict[int, dict]]:
    """Return the day's newest published revision and who it calls (`called_people`), or (None, {})."""
    revision = latest_revision(day.id)
    return revision, called_people(revision.content) if revision else {}


def board(day: ShootDay, zone: str, calls: dict[int, dict], now: datetime | None = None) -> tuple[list[Row], list[Row]]:
    """Return the called people with their states, and the people not called that day.

    `calls` are the published call sheet's (`published_calls`): the board shows the calls the
    crew's phones have, never a draft the office has not published.
    """
    now_minutes = minutes_of_day(day.date, now or utcnow(), zone)
    events = events_by_person(day)
    called, uncalled = [], []
    for call in day_calls(day, include_uncalled=True):
        person_events = events.get(call.person.id, [])
        published = calls.get(call.person.id)
        minutes = published["call"] if published else None
        row = Row(
            call.person, minutes, published is not None, person_status(person_events, minutes, now_minutes, day, zone)
        )
        (called if published or person_events else uncalled).append(row)
    return called, uncalled


def my_status(person: Person, day: ShootDay, now: datetime | None = None) -> Status:
    """Return one person's own state on a day (for their check-in button)."""
    events = list(
        db.session.scalars(sa.select(CheckIn).where(CheckIn.shoot_day_id == day.id, CheckIn.person_id == person.id))
    )
    zone = person.production.timezone
    return person_status(events, None, minutes_of_day(day.date, now or utcnow(), zone), day, zone)
