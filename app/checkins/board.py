"""Who is here, who is late and who has wrapped: the state of each person on a shoot day."""

from dataclasses import dataclass, field
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
from app.timeutil import as_utc, format_clock, minutes_of_day, production_today, utcnow

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
    # Sentences for each arrival or wrap stored with an odd time (app.checkins.odd_times), and
    # whether the event the label shows is one: the head count never counts it silently.
    flags: list[str] = field(default_factory=list)
    flagged: bool = False


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
        flags = [flag_text(e, zone, day) for e in presence if e.flag]
        last = presence[-1]
        shown = last if last.kind == WRAP else next(e for e in presence if e.kind == ARRIVAL)
        return Status(
            WRAPPED if shown.kind == WRAP else CHECKED_IN,
            minutes_of_day(day.date, shown.occurred_at, zone),
            shown.by_hand,
            flags=flags,
            flagged=shown.flag is not None,
        )
    late = [e for e in events if e.kind == RUNNING_LATE]
    if late:
        return Status(RUNNING, eta=late[-1].eta, note=late[-1].note)
    if call is None:
        return Status(NOT_CALLED)
    return Status(LATE if now_minutes > call else EXPECTED)


def flag_text(event: CheckIn, zone: str, day: ShootDay) -> str:
    """Return the board's sentence for a flagged event: 'Checked in 00:48 — 5 h 27 min before call 06:15, confirmed'."""
    what = "Checked in" if event.kind == ARRIVAL else "Wrapped"
    at = format_clock(minutes_of_day(day.date, event.occurred_at, zone))
    # The office checking someone in by hand sees the board, not a question: say so instead.
    answer = "confirmed" if event.flag_confirmed else "by hand" if event.by_hand else "not confirmed on the phone"
    return f"{what} {at} — {event.flag}, {answer}"


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
