"""Wall-clock call times as minutes from the shoot day's midnight, and UTC now."""
from datetime import datetime, timezone

MINUTES_PER_DAY = 24 * 60


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


def as_utc(value: datetime | None) -> datetime | None:
    """Return value as aware UTC (SQLite hands back naive datetimes)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


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
