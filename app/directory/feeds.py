"""Private calendar feeds: a person's calls from published call sheets, the office's shoot days."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, abort, url_for
from icalendar import Calendar, Event, vText
from sqlalchemy.orm import selectinload

from app.callsheets.models import CallSheetRevision
from app.callsheets.service import latest_revisions
from app.callsheets.viewing import entry_of, main_location
from app.crew.models import Person
from app.directory.service import person_by_calendar_token
from app.extensions import db
from app.schedule.models import Production, ShootDay
from app.timeutil import as_utc, format_clock, instant_at

bp = Blueprint("calendar", __name__, url_prefix="/cal")
DOMAIN = "callboard"
DEFAULT_LENGTH = 12 * 60  # minutes, when the call sheet gives no wrap after the call
# RFC 5545 TEXT allows no control characters but the line breaks vText escapes (and tab).
UNSAFE_IN_TEXT = dict.fromkeys(c for c in [*range(32), 127] if chr(c) not in "\r\n\t")


def text(value: str) -> vText:
    """Return a TEXT value the iCalendar library escapes (line breaks, ; and ,), without control characters.

    Rows stored before names were checked at input may still hold them; one bad title must not
    break every feed of the production.
    """
    return vText(str(value).translate(UNSAFE_IN_TEXT))


def _place(content: dict) -> str:
    place = main_location(content)
    if place is None:
        return ""
    return ", ".join(part for part in (place["name"], place["address"]) if part)


def call_event(person: Person, day: ShootDay, revision: CallSheetRevision, zone: ZoneInfo) -> Event | None:
    """Return the person's call on a day as its latest published revision says, or None if not called."""
    content = revision.content
    entry = entry_of(content, person.id)
    if entry is None or entry.get("call") is None:
        return None
    start = instant_at(day.date, entry["call"], zone)
    wrap = content["day"].get("wrap")
    end = (
        instant_at(day.date, wrap, zone)
        if wrap is not None and wrap > entry["call"]
        else start + timedelta(minutes=DEFAULT_LENGTH)
    )
    link = url_for("callsheets.revision", production_id=day.production_id, revision_id=revision.id, _external=True)
    event = Event()
    event.add("uid", f"call-{person.id}-{day.id}@{DOMAIN}")
    event.add("sequence", revision.number)
    event.add("dtstamp", as_utc(revision.published_at))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add(
        "summary",
        text(f"Call {format_clock(entry['call'])} · {content['production']['title']} Day {content['day']['number']}"),
    )
    event.add("location", text(_place(content)))
    event.add("url", link)
    event.add("description", text(f"Revision {revision.number} ({revision.colour}). Call sheet: {link}"))
    return event


def shoot_day_event(day: ShootDay, revision: CallSheetRevision | None, zone: ZoneInfo) -> Event:
    """Return a shoot day as the office plans it (general call to estimated wrap, at its location),
    saying which call sheet revision the crew have, if any, and linking to it."""
    start = instant_at(day.date, day.general_call, zone)
    end = (
        instant_at(day.date, day.estimated_wrap, zone)
        if day.estimated_wrap and day.estimated_wrap > day.general_call
        else start + timedelta(minutes=DEFAULT_LENGTH)
    )
    place = day.location
    event = Event()
    event.add("uid", f"day-{day.id}@{DOMAIN}")
    event.add("sequence", day.version)
    event.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", text(f"Shoot day {day.day_number} · general call {format_clock(day.general_call)}"))
    if place is not None:
        event.add("location", text(", ".join(part for part in (place.name, place.address) if part)))
    planning = url_for("schedule.day", production_id=day.production_id, day_id=day.id, _external=True)
    if revision is None:
        event.add("url", planning)
        event.add("description", text(f"Call sheet not published yet. Plan the day: {planning}"))
    else:
        sheet = url_for("callsheets.revision", production_id=day.production_id, revision_id=revision.id, _external=True)
        event.add("url", sheet)
        event.add(
            "description",
            text(
                f"Published: revision {revision.number} ({revision.colour}), call "
                f"{format_clock(revision.content['day']['general_call'])}. "
                f"Call sheet: {sheet}\nPlan the day: {planning}"
            ),
        )
    return event


def build_feed(person: Person) -> bytes:
    """Build the person's calendar: their published calls, and for the office every shoot day."""
    production = db.session.get(Production, person.production_id)
    zone = ZoneInfo(production.timezone)
    calendar = Calendar()
    calendar.add("prodid", "-//Callboard//Call sheets//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", text(f"{production.title} · {person.name}"))
    days = db.session.scalars(
        sa.select(ShootDay)
        .where(ShootDay.production_id == production.id)
        .order_by(ShootDay.date)
        .options(selectinload(ShootDay.location))
    ).all()
    published = latest_revisions(day.id for day in days)
    for day in days:
        revision = published.get(day.id)
        event = call_event(person, day, revision, zone) if revision is not None else None
        if event is not None:
            calendar.add_component(event)
        if person.is_coordinator:
            calendar.add_component(shoot_day_event(day, revision, zone))
    return calendar.to_ical()


@bp.get("/<feed_token>.ics")
def feed(feed_token: str):
    """Serve a private calendar feed to whoever holds its secret link."""
    person = person_by_calendar_token(feed_token)
    if person is None:
        abort(404)
    return (
        build_feed(person),
        200,
        {
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": 'inline; filename="callboard.ics"',
            "Cache-Control": "private, no-cache",
            "X-Robots-Tag": "noindex",
        },
    )
