"""The one clock: UTC now, a production's today, and instants as minutes from a shoot day's midnight.

Call times are wall-clock minutes from the shoot day's midnight in the production's zone
(25:30 is 01:30 the next morning). Turning an instant into those minutes has ONE rounding
rule: an instant counts as the minute the production's clock shows — seconds are dropped
(floor), so a wrap at 19:00:40 is 19:00 on the board, in the turnaround check and in every
message. Turning minutes back into an instant reads the wall clock: on a daylight-saving
change an hour that occurs twice means its first occurrence, one that never occurs is read
with the offset from before the change.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTES_PER_DAY = 24 * 60
MINUTE = timedelta(minutes=1)


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """Return value as aware UTC (SQLite hands back naive datetimes)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def zone_of(zone: str | ZoneInfo | None) -> ZoneInfo:
    """Return a production's time zone; UTC for a missing or unknown name."""
    if isinstance(zone, ZoneInfo):
        return zone
    try:
        return ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def today_in(zone: str | ZoneInfo, now: datetime | None = None) -> date:
    """Return the date a zone's clocks show now (or at `now`)."""
    return as_utc(now or utcnow()).astimezone(zone_of(zone)).date()


def production_today(production, now: datetime | None = None) -> date:
    """Return today's date in the production's time zone."""
    return today_in(production.timezone, now)


def instant_at(day: date, minutes: int, zone: str | ZoneInfo) -> datetime:
    """Return the UTC instant of a wall-clock time given as minutes from a shoot day's midnight."""
    days, rest = divmod(minutes, MINUTES_PER_DAY)
    local = datetime.combine(day + timedelta(days=days), time(rest // 60, rest % 60), tzinfo=zone_of(zone))
    return local.astimezone(UTC)


def minutes_of_day(day: date, instant: datetime, zone: str | ZoneInfo) -> int:
    """Return an instant as minutes from a shoot day's midnight on the wall clock: the minute it shows."""
    local = as_utc(instant).astimezone(zone_of(zone))
    return (local.date() - day).days * MINUTES_PER_DAY + local.hour * 60 + local.minute


def to_the_minute(instant: datetime) -> datetime:
    """Return an instant without its seconds: the minute a clock shows (the one rounding rule)."""
    return as_utc(instant).replace(second=0, microsecond=0)


def whole_minutes(span: timedelta) -> int:
    """Return a span between instants on whole minutes (to_the_minute, instant_at) in minutes."""
    return span // MINUTE


def parse_clock(text: str) -> int:
    """Parse 'HH:MM' (24 h, up to 47:59 for after midnight) into minutes; raise ValueError."""
    text = (text or "").strip()
    hours, sep, minutes = text.partition(":")
    if not sep or not (hours + minutes).isascii() or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError("Use 24-hour time like 07:30.")
    h, m = int(hours), int(minutes)
    if h > 47 or m > 59:
        raise ValueError("Use 24-hour time like 07:30 (up to 47:59 for after midnight).")
    return h * 60 + m


def format_clock(minutes: int | None) -> str:
    """Format minutes from midnight as 'HH:MM', with '+1' when past midnight."""
    if minutes is None:
        return ""
    days, rest = divmod(minutes, MINUTES_PER_DAY)
    clock = f"{rest // 60:02d}:{rest % 60:02d}"
    if days > 0:
        return f"{clock} +{days}"
    if days < 0:
        return f"{clock} −{-days}"
    return clock


def input_clock(minutes: int | None) -> str:
    """Format minutes for an input field: 'HH:MM', hours above 23 after midnight."""
    if minutes is None:
        return ""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
