"""Rest shortfalls as the office sees them: recorded check-outs first, else the estimated wrap."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from app.extensions import db
from app.schedule.calls import day_calls
from app.schedule.models import Production, ShootDay
from app.schedule.turnaround import RestShortfall, neighbouring_days, shortfalls_between
from app.timeutil import whole_minutes

# Wraps are recorded by checkins, which depends on schedule: it passes its reader in at start-up
# (checkins.init_app) rather than schedule importing it.
WRAP_READER = "callboard.recorded_wraps"


@dataclass(frozen=True)
class Shortfall:
    """One person's rest that falls short, ready to show and to record."""

    person_id: int
    name: str
    call_day_id: int
    call_day_number: int
    call: int  # minutes from the call day's midnight
    earliest_call: int
    short_by_minutes: int
    required_minutes: int
    wrap_recorded: bool

    @classmethod
    def of(cls, found: RestShortfall, call: int, recorded: bool) -> "Shortfall":
        return cls(
            found.person.id,
            found.person.name,
            found.call_day.id,
            found.call_day.day_number,
            call,
            found.earliest_call,
            whole_minutes(found.short_by),
            whole_minutes(found.required),
            recorded,
        )


def wraps_recorded_by(app, reader: Callable[[ShootDay], dict[int, datetime]]) -> None:
    """Let the package that records wraps (checkins) answer `recorded_wraps` in this app."""
    app.extensions[WRAP_READER] = reader


def recorded_wraps(day: ShootDay) -> dict[int, datetime]:
    """Return each person's last recorded wrap on a shoot day; none when nothing records wraps."""
    reader = current_app.extensions.get(WRAP_READER)
    return reader(day) if reader else {}


def _between(production: Production, wrap_day: ShootDay, call_day: ShootDay, cache: dict) -> list[Shortfall]:
    for each in (wrap_day, call_day):
        if each.id not in cache:
            cache[each.id] = day_calls(each)
    wraps = recorded_wraps(wrap_day)
    calls = {call.person.id: call.call for call in cache[call_day.id]}
    return [
        Shortfall.of(found, calls[found.person.id], found.person.id in wraps)
        for found in shortfalls_between(production, wrap_day, cache[wrap_day.id], call_day, cache[call_day.id], wraps)
    ]


def rest_shortfalls(day: ShootDay) -> list[Shortfall]:
    """List everyone whose rest into this day, or out of it into the next, falls short."""
    production = db.session.get(Production, day.production_id)
    before, after = neighbouring_days(day)
    cache: dict = {}
    found = []
    if before is not None:
        found += _between(production, before, day, cache)
    if after is not None:
        found += _between(production, day, after, cache)
    return found
