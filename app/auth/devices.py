"""Signed-in devices described in plain words: browser, system and when last seen."""

import re
from datetime import datetime

from app.timeutil import as_utc, utcnow

# Order matters: many browsers also claim to be Chrome and Safari.
BROWSERS = [
    (r"EdgA?/|EdgiOS/", "Edge"),
    (r"SamsungBrowser/", "Samsung Internet"),
    (r"OPR/|OPiOS/", "Opera"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"CriOS/", "Chrome"),
    (r"Chrome/|Chromium/", "Chrome"),
    (r"Safari/", "Safari"),
]
SYSTEMS = [
    (r"iPhone", "iPhone"),
    (r"iPad", "iPad"),
    (r"Android", "Android"),
    (r"CrOS", "ChromeOS"),
    (r"Windows", "Windows"),
    (r"Macintosh|Mac OS X", "Mac"),
    (r"Linux", "Linux"),
]


def _first(patterns, user_agent: str) -> str | None:
    return next((name for pattern, name in patterns if re.search(pattern, user_agent)), None)


def describe_device(user_agent: str) -> str:
    """Return 'Safari on iPhone'-style words for a user agent string."""
    browser = _first(BROWSERS, user_agent or "")
    system = _first(SYSTEMS, user_agent or "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or (f"A browser on {system}" if system else "Unknown browser")


def time_ago(moment: datetime | None, now: datetime | None = None) -> str:
    """Return how long ago moment was, in words: 'just now', '5 minutes ago', 'yesterday'."""
    if moment is None:
        return ""
    seconds = ((now or utcnow()) - as_utc(moment)).total_seconds()
    minutes, hours, days = int(seconds // 60), int(seconds // 3600), int(seconds // 86400)
    if minutes < 2:
        return "just now"
    if hours < 1:
        return f"{minutes} minutes ago"
    if days < 1:
        return "1 hour ago" if hours == 1 else f"{hours} hours ago"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"
