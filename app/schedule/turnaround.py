"""Rest between a person's wrap and their next call (turnaround), checked per person."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.crew.models import Person
from app.extensions import db
from app.schedule.calls import Call
from app.schedule.models import Production, ShootDay
from app.timeutil import instant_at, minutes_of_day, to_the_minute


@dataclass(frozen=True)
class RestShortfall:
    """A person whose rest before a call is shorter than their minimum."""

    person: Person
    wrap_day: ShootDay
    call_day: ShootDay
    wrap_at: datetime
    call_at: datetime
    required: timedelta
    earliest_call: int  # minutes from the call day's midnight that would respect the rest

    @property
    def rest(self) -> timedelta:
        return self.call_at - self.wrap_at

    @property
    def short_by(self) -> timedelta:
        return self.required - self.rest


def required_rest(person: Person, production: Production) -> timedelta:
    """Return the minimum rest that applies to a person."""
    if person.min_rest is not None:
        return timedelta(minutes=person.min_rest)
    return timedelta(minutes=production.min_rest_cast if person.is_cast else production.min_rest_crew)


def shortfalls_between(
    production: Production,
    wrap_day: ShootDay,
    wrap_calls: list[Call],
    call_day: ShootDay,
    calls: list[Call],
    wraps: dict[int, datetime] | None = None,
) -> list[RestShortfall]:
    """List people called on call_day whose rest since wrap_day is below their minimum.

    A person's wrap is their recorded check-out (from `wraps`) or else the estimated wrap; a
    recorded one counts from the minute the clock showed (timeutil's one rounding rule), so the
    rest shown, the board's wrap time and the earliest call agree to the minute.
    """
    wraps = {person_id: to_the_minute(at) for person_id, at in (wraps or {}).items()}
    worked = {call.person.id for call in wrap_calls}
    estimated = (
        instant_at(wrap_day.date, wrap_day.estimated_wrap, production.timezone)
        if wrap_day.estimated_wrap is not None
        else None
    )
    found = []
    for call in calls:
        person = call.person
        wrap_at = wraps.get(person.id) or (estimated if person.id in worked else None)
        if wrap_at is None or call.call is None:
            continue
        call_at = instant_at(call_day.date, call.call, production.timezone)
        required = required_rest(person, production)
        if call_at - wrap_at < required:
            earliest = minutes_of_day(call_day.date, wrap_at + required, production.timezone)
            found.append(RestShortfall(person, wrap_day, call_day, wrap_at, call_at, required, earliest))
    return found


def neighbouring_days(day: ShootDay) -> tuple[ShootDay | None, ShootDay | None]:
    """Return the production's shoot days just before and just after this one."""
    base = sa.select(ShootDay).where(ShootDay.production_id == day.production_id)
    before = db.session.scalar(base.where(ShootDay.date < day.date).order_by(ShootDay.date.desc()).limit(1))
    after = db.session.scalar(base.where(ShootDay.date > day.date).order_by(ShootDay.date).limit(1))
    return before, after
