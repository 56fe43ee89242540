"""Sane times: a check-in long before the person's call, or a wrap before their check-in or call.

Judged against the person's PUBLISHED call (what their phone shows) at the corrected tap time
(sync/PROTOCOL.md *Times*), never the time the operation reached the server. An odd time is
never refused: the event is stored with a flag the today board shows, and whether the person
answered the phone's "Are you sure?" (sync/PROTOCOL.md *Sane times*).
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, g

from app.checkins.board import published_calls
from app.checkins.models import ARRIVAL, WRAP, CheckIn
from app.crew.models import Person
from app.extensions import db
from app.schedule.models import ShootDay
from app.timeutil import as_utc, format_clock, instant_at, minutes_of_day, to_the_minute

BEFORE_CHECK_IN = "before check-in"


def early_window() -> timedelta:
    """Return how long before their call a person may check in without being asked."""
    return timedelta(minutes=current_app.config["CHECKIN_EARLY_WINDOW_MINUTES"])


def span_text(span: timedelta) -> str:
    """Say a span in hours and minutes as a board reads it: '5 h 27 min', '3 h', '45 min'."""
    hours, minutes = divmod(max(int(span.total_seconds() // 60), 0), 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


def _published(day: ShootDay) -> tuple[dict[int, dict], str]:
    """Return the day's published calls by person and the production's zone, read once per request.

    A 200-tap batch would otherwise load and index the same revision (and reload the
    production after each short write transaction) 200 times: 2.3 s → 6.2 s measured."""
    cached = g.setdefault("published_calls_by_day", {})
    if day.id not in cached:
        cached[day.id] = (published_calls(day)[1], day.production.timezone)
    return cached[day.id]


def published_call(day: ShootDay, person: Person) -> int | None:
    """Return the person's call on the day's newest published revision (minutes), or None."""
    entry = _published(day)[0].get(person.id)
    return entry["call"] if entry else None


def first_arrival(day: ShootDay, person_id: int) -> datetime | None:
    """Return the person's earliest recorded check-in on the day (corrected time), or None."""
    return as_utc(
        db.session.scalar(
            sa.select(sa.func.min(CheckIn.occurred_at)).where(
                CheckIn.shoot_day_id == day.id, CheckIn.person_id == person_id, CheckIn.kind == ARRIVAL
            )
        )
    )


def judge(kind: str, day: ShootDay, person: Person, at: datetime) -> str | None:
    """Return why an arrival or wrap at `at` makes no sense for the person, or None when it does."""
    if kind not in (ARRIVAL, WRAP):
        return None
    zone = _published(day)[1]
    call = published_call(day, person)
    call_at = instant_at(day.date, call, zone) if call is not None else None
    at = to_the_minute(at)
    if kind == ARRIVAL and call_at is not None and at < call_at - early_window():
        return f"{span_text(call_at - at)} before call {format_clock(call)}"
    if kind == ARRIVAL:
        return None
    # Before the call wins over before the check-in: a check-in that lands later never rewrites
    # it, so the text never depends on which of the two reached the server first.
    if call_at is not None and at < call_at:
        return f"{span_text(call_at - at)} before call {format_clock(call)}"
    arrived = first_arrival(day, person.id)
    if arrived is not None and at < to_the_minute(arrived):
        return f"{BEFORE_CHECK_IN} {format_clock(minutes_of_day(day.date, arrived, zone))}"
    return None


def flag_wraps_before(arrival: CheckIn, day: ShootDay) -> None:
    """Flag the person's wraps that now come before their first check-in (unless before the call).

    Offline taps reach the server in any order: a wrap that arrived first is judged again when
    an earlier-tapped check-in lands, so the outcome never depends on arrival order."""
    arrived = to_the_minute(arrival.occurred_at)
    # One query in the usual case (no wrap before this check-in); the first check-in only then.
    wraps = [
        wrap
        for wrap in db.session.scalars(
            sa.select(CheckIn).where(
                CheckIn.shoot_day_id == day.id,
                CheckIn.person_id == arrival.person_id,
                CheckIn.kind == WRAP,
                sa.or_(CheckIn.flag.is_(None), CheckIn.flag.startswith(BEFORE_CHECK_IN)),
            )
        )
        if to_the_minute(wrap.occurred_at) < arrived
    ]
    if not wraps:
        return
    first = first_arrival(day, arrival.person_id)
    text = f"{BEFORE_CHECK_IN} {format_clock(minutes_of_day(day.date, first, _published(day)[1]))}"
    for wrap in wraps:
        if to_the_minute(wrap.occurred_at) < to_the_minute(first):
            wrap.flag, wrap.flag_confirmed = text, wrap.flag_confirmed if wrap.flag else False


def phone_times(person: Person, day: ShootDay) -> dict:
    """Return what the phone's check-in button needs to ask "Are you sure?" before queueing."""
    zone = person.production.timezone
    call = published_call(day, person)
    arrived = first_arrival(day, person.id)
    return {
        "call_at": instant_at(day.date, call, zone).isoformat() if call is not None else "",
        "call": format_clock(call) if call is not None else "",
        "window": current_app.config["CHECKIN_EARLY_WINDOW_MINUTES"],
        "checked_in_at": arrived.isoformat() if arrived else "",
    }
