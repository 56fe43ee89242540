"""Sunrise and sunset computed offline from a location's coordinates and a date."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from astral import Observer
from astral.sun import elevation

from app.timeutil import minutes_of_day

POLAR_DAY = "Midnight sun: the sun does not set today."
POLAR_NIGHT = "Polar night: the sun does not rise today."
# The sun's upper limb touches the horizon, refraction included (the usual definition).
HORIZON = -0.833
STEP = timedelta(minutes=10)


@dataclass(frozen=True)
class SunTimes:
    """Sunrise and sunset as minutes from local midnight (the minute the clock shows), or None and why."""

    sunrise: int | None
    sunset: int | None
    note: str = ""


def _altitude(observer: Observer, moment: datetime) -> float:
    return elevation(observer, moment, with_refraction=False) - HORIZON


def _crossing(observer: Observer, day: date, zone: ZoneInfo, rising: bool) -> datetime | None:
    """Find the sun crossing the horizon within the local day, by sampling and bisection."""
    # Walk in UTC so that days with a daylight-saving change have their true length.
    moment = datetime.combine(day, time(0), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    before = _altitude(observer, moment)
    while moment < end:
        after_moment = moment + STEP
        after = _altitude(observer, after_moment)
        if (before <= 0 < after) if rising else (before > 0 >= after):
            low, high = moment, after_moment
            while high - low > timedelta(seconds=10):
                middle = low + (high - low) / 2
                if (_altitude(observer, middle) > 0) == rising:
                    high = middle
                else:
                    low = middle
            return low + (high - low) / 2
        moment, before = after_moment, after
    return None


def _event(observer: Observer, day: date, zone: ZoneInfo, rising: bool) -> int | None:
    # Sampling instead of astral's sunrise(): that one gives up, or drifts by minutes, near
    # the polar circles and on days whose event falls close to UTC midnight.
    found = _crossing(observer, day, zone, rising)
    return None if found is None else minutes_of_day(day, found, zone)


def sun_times(latitude: float | None, longitude: float | None, day: date, timezone: str) -> SunTimes | None:
    """Compute sunrise and sunset for a place and date in the given zone; None without coordinates."""
    if latitude is None or longitude is None:
        return None
    zone = ZoneInfo(timezone)
    observer = Observer(latitude=latitude, longitude=longitude)
    rise = _event(observer, day, zone, rising=True)
    fall = _event(observer, day, zone, rising=False)
    if rise is not None and fall is not None:
        return SunTimes(rise, fall)
    if rise is None and fall is None:
        noon = datetime.combine(day, time(12), zone)
        return SunTimes(None, None, POLAR_DAY if _altitude(observer, noon) > 0 else POLAR_NIGHT)
    return SunTimes(rise, fall, "The sun does not rise today." if rise is None else "The sun does not set today.")
