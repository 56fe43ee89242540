"""Input schemas for productions, locations, shoot days, scenes and calls."""

import datetime
import re
from functools import lru_cache
from zoneinfo import available_timezones

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates, validates_schema

from app.bounds import MAX_ID, Id, form_id, printable, printable_lines
from app.crew.schemas import FormSchema, Offset, RestHours
from app.schedule.models import DAY_STATUSES, DEFAULT_REVISION_COLOURS
from app.timeutil import input_clock, parse_clock

OFFLINE_DAY_FIELDS = (
    "general_call",
    "shooting_call",
    "breakfast",
    "lunch",
    "estimated_wrap",
    "notes",
    "safety_notes",
    "weather",
    "walkie_channels",
    "breakfast_place",
    "lunch_place",
)
INT_EXT = ("INT", "EXT", "INT/EXT")
#: A plausible shoot date. Calls run to 47:59 and pages add days to it: a day near year 1 or 9999
#: would be stored, then break the office page and every calendar feed of the production.
SHOOT_DATES = validate.Range(
    min=datetime.date(1900, 1, 1), max=datetime.date(2999, 12, 31), error="Choose a date between 1900 and 2999."
)
DAY_NIGHT = ("DAY", "NIGHT", "DAWN", "DUSK")
PAGES = re.compile(r"^(?:(\d{1,3})\s+)?(\d{1,3})\s*/\s*(\d{1,3})$|^(\d{1,3})$|^(\d{1,4})\s*(?:e|eighths?)$")
MAX_EIGHTHS = 99 * 8
MAX_CLOCK = 47 * 60 + 59
COMMON_ZONES = (
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Prague",
    "Europe/Budapest",
    "Europe/Athens",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/New_York",
    "America/Toronto",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Vancouver",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "UTC",
)


def text(max_length: int, **kwargs) -> fields.String:
    """Return an optional text field of at most max_length characters."""
    return fields.String(
        load_default="",
        validate=[validate.Length(max=max_length, error=f"Keep this under {max_length} characters."), printable_lines],
        **kwargs,
    )


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    """Return the IANA time zone names zoneinfo knows."""
    return frozenset(available_timezones())


def parse_pages(entry: str) -> int:
    """Parse a page count ('1 3/8', '11/8', '2' pages, '11e' eighths) into eighths."""
    entry = (entry or "").strip()
    if entry.startswith(("-", "−")):
        raise ValueError("A page count cannot be negative.")
    match = PAGES.match(entry)
    if not match:
        raise ValueError("Enter pages like 1 3/8, 11/8, 2 or 11e (eighths).")
    whole, numerator, denominator, pages, eighths = match.groups()
    if eighths is not None:
        total = int(eighths)
    elif pages is not None:
        total = int(pages) * 8
    else:
        if int(denominator) != 8:
            raise ValueError("Page counts are in eighths, like 3/8.")
        if whole is not None and int(numerator) > 7:
            raise ValueError("After whole pages, use up to 7/8, like 1 7/8.")
        total = int(whole or 0) * 8 + int(numerator)
    if total < 1:
        raise ValueError("A scene is at least 1/8 of a page.")
    if total > MAX_EIGHTHS:
        raise ValueError("A scene of more than 99 pages? Check the page count.")
    return total


def format_pages(eighths: int | None) -> str:
    """Format a page count in eighths the way call sheets do: 13 → '1 5/8', 6 → '6/8', 16 → '2'."""
    if eighths is None:
        return ""
    whole, rest = divmod(int(eighths), 8)
    if not rest:
        return str(whole)
    return f"{whole} {rest}/8" if whole else f"{rest}/8"


class Clock(fields.Field):
    """A wall-clock time as minutes from the day's midnight (up to 47:59).

    Typed 'HH:MM' (or 0730 on a number pad), or minutes as a number from a queued offline edit."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            if 0 <= value <= MAX_CLOCK:
                return value
            raise ValidationError("Use a time between 00:00 and 47:59.")
        if not isinstance(value, str) or not value.isascii():
            raise ValidationError("Use 24-hour time like 07:30.")
        value = value.replace(".", ":")
        if value.isdigit() and len(value) in (3, 4):  # 0730 or 730, as typed on a number pad
            value = f"{value[:-2]}:{value[-2:]}"
        try:
            return parse_clock(value)
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def _serialize(self, value, attr, obj, **kwargs):
        return input_clock(value)


class Pages(fields.Field):
    """A page count in eighths."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_pages(str(value))
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def _serialize(self, value, attr, obj, **kwargs):
        return format_pages(value)


class CastNumbers(fields.Field):
    """Cast numbers such as '1, 2, 4' as a sorted list without repeats."""

    def _deserialize(self, value, attr, data, **kwargs):
        parts = [part for part in re.split(r"[\s,;]+", str(value or "")) if part]
        # isdigit alone lets "²" through to int(); cast numbers run 1..999 like Person.cast_number.
        if not all(part.isascii() and part.isdigit() and 1 <= int(part) <= 999 for part in parts):
            raise ValidationError("List cast numbers like 1, 2, 4 (each from 1 to 999).")
        return sorted({int(part) for part in parts})

    def _serialize(self, value, attr, obj, **kwargs):
        numbers = [getattr(each, "cast_number", each) for each in value or []]
        return ", ".join(str(number) for number in numbers if number is not None)


class ProductionSchema(FormSchema):
    title = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=200, error="Give the production a title (up to 200 characters)."),
            printable,
        ],
        error_messages={"required": "Give the production a title."},
    )
    company = text(200)
    timezone = fields.String(load_default="Europe/London")
    office_phone = text(40)
    office_address = text(300)
    revision_colours = fields.String(load_default=DEFAULT_REVISION_COLOURS)
    min_rest_crew = RestHours(load_default=10 * 60, error_messages={"null": "Enter the crew's minimum rest."})
    min_rest_cast = RestHours(load_default=12 * 60, error_messages={"null": "Enter the cast's minimum rest."})

    @validates("timezone")
    def known_zone(self, value, **kwargs):
        if value not in time_zones():
            raise ValidationError(f"{value or 'That'} is not a time zone we know. Use a name like Europe/London.")

    @validates("revision_colours")
    def colour_sequence(self, value, **kwargs):
        names = [name.strip() for name in value.split(",")]
        if any(not name for name in names):
            raise ValidationError("Every colour needs a name: check for an empty entry or a doubled comma.")
        seen = set()
        for name in names:
            if name.lower() in seen:
                raise ValidationError(f"{name} is in the sequence twice.")
            seen.add(name.lower())
        if len(value) > 500 or any(len(name) > 30 for name in names):
            raise ValidationError("Keep colour names short (up to 30 characters each).")


class LocationSchema(FormSchema):
    name = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=120, error="Give the location a name (up to 120 characters)."), printable],
        error_messages={"required": "Give the location a name."},
    )
    address, parking, base_camp, holding = text(300), text(300), text(300), text(300)
    latitude = fields.Float(
        allow_none=True,
        load_default=None,
        allow_nan=False,
        validate=validate.Range(min=-90, max=90, error="Latitude runs from -90 to 90."),
        error_messages={
            "invalid": "Enter latitude in decimal degrees, like 53.4084.",
            "special": "Enter latitude in decimal degrees, like 53.4084.",
        },
    )
    longitude = fields.Float(
        allow_none=True,
        load_default=None,
        allow_nan=False,
        validate=validate.Range(min=-180, max=180, error="Longitude runs from -180 to 180."),
        error_messages={
            "invalid": "Enter longitude in decimal degrees, like -2.9916.",
            "special": "Enter longitude in decimal degrees, like -2.9916.",
        },
    )
    hospital_name, hospital_address, hospital_phone = text(200), text(300), text(40)
    notes = text(5000)

    @validates_schema
    def both_coordinates(self, data, **kwargs):
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            missing = "longitude" if data.get("longitude") is None else "latitude"
            raise ValidationError("Enter both latitude and longitude, or neither.", missing)


class NewDaySchema(FormSchema):
    date = fields.Date(
        required=True,
        validate=SHOOT_DATES,
        error_messages={"required": "Choose the date.", "invalid": "Enter a date like 2025-03-14."},
    )
    general_call = Clock(load_default=7 * 60)
    day_number = fields.Integer(
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=1, max=999, error="Day numbers run from 1 to 999."),
    )
    location_id = form_id("Choose one of the production's locations.", allow_none=True, load_default=None)


class DaySchema(FormSchema):
    """Every field of a shoot day; fields not sent are left as they are."""

    date = fields.Date(validate=SHOOT_DATES, error_messages={"invalid": "Enter a date like 2025-03-14."})
    day_number = fields.Integer(
        validate=validate.Range(min=1, max=999, error="Day numbers run from 1 to 999."),
        error_messages={"invalid": "A day number is a whole number."},
    )
    location_id = form_id("Choose one of the production's locations.", allow_none=True)
    general_call = Clock()
    shooting_call, breakfast, lunch, estimated_wrap = (Clock(allow_none=True) for _ in range(4))
    breakfast_place, lunch_place = (
        fields.String(validate=[validate.Length(max=200), printable_lines]),
        fields.String(validate=[validate.Length(max=200), printable_lines]),
    )
    weather = fields.String(
        validate=[validate.Length(max=300, error="Keep the weather under 300 characters."), printable_lines]
    )
    notes, safety_notes, walkie_channels, background = (
        fields.String(validate=[validate.Length(max=5000), printable_lines]) for _ in range(4)
    )
    version = fields.Integer(allow_none=True, load_only=True, validate=validate.Range(min=0, max=MAX_ID))
    # Wrap after general call is judged with the day's stored values (schedule.service), so an
    # edit of one field, from this form or from a queued offline edit, meets the same rule.


class DayEditPayload(Schema):
    """A queued offline edit of one shoot-day field; the value is then read by DaySchema."""

    class Meta:
        unknown = EXCLUDE

    entity = fields.String(required=True, validate=validate.OneOf(["shoot_day"]))
    entity_id = Id(strict=False, required=True)
    field = fields.String(required=True, validate=validate.OneOf(OFFLINE_DAY_FIELDS))
    value = fields.Raw(required=True, allow_none=True)
    base_version = fields.Integer(required=True, validate=validate.Range(min=0, max=MAX_ID))


class SceneSchema(FormSchema):
    number = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=20, error="Enter the scene number (up to 20 characters)."), printable],
        error_messages={"required": "Enter the scene number."},
    )
    int_ext = fields.String(load_default="INT", validate=validate.OneOf(INT_EXT, error="Choose INT, EXT or INT/EXT."))
    set_name = text(200)
    day_night = fields.String(
        load_default="DAY", validate=validate.OneOf(DAY_NIGHT, error="Choose DAY, NIGHT, DAWN or DUSK.")
    )
    synopsis = text(500)
    pages_eighths = Pages(required=True, error_messages={"required": "Enter the page count, like 1 3/8."})
    cast = CastNumbers(load_default=list)
    location_id = form_id("Choose one of the production's locations.", allow_none=True, load_default=None)


class DepartmentCallSchema(FormSchema):
    call_offset = Offset(allow_none=True, load_default=None)
    notes = text(2000)


class PersonCallSchema(FormSchema):
    """One person's call on a day; fields not sent are left as they are."""

    call_override, pickup, hair_makeup_wardrobe, on_set = (Clock(allow_none=True) for _ in range(4))
    day_status = fields.String(validate=validate.OneOf(("",) + DAY_STATUSES, error="Choose SW, W, WF, SWF or H."))
    notes = fields.String(
        validate=[validate.Length(max=300, error="Keep the note under 300 characters."), printable_lines]
    )
    action = fields.String(load_default="save", validate=validate.OneOf(("save", "clear", "call", "not-called")))
