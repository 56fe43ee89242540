"""Productions, locations, shoot days and the calls of a day. Never commits."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.crew.models import COORDINATOR, Department, Person
from app.extensions import db
from app.schedule.calls import cast_in_scenes
from app.schedule.models import DepartmentCall, Location, PersonCall, Production, ShootDay
from app.sync import Rejected

PRODUCTION_FIELDS = (
    "title",
    "company",
    "timezone",
    "office_phone",
    "office_address",
    "revision_colours",
    "min_rest_crew",
    "min_rest_cast",
)
LOCATION_FIELDS = (
    "name",
    "address",
    "latitude",
    "longitude",
    "parking",
    "base_camp",
    "holding",
    "hospital_name",
    "hospital_address",
    "hospital_phone",
    "notes",
)
DAY_FIELDS = (
    "date",
    "day_number",
    "location_id",
    "general_call",
    "shooting_call",
    "breakfast",
    "breakfast_place",
    "lunch",
    "lunch_place",
    "estimated_wrap",
    "weather",
    "notes",
    "safety_notes",
    "walkie_channels",
    "background",
)
WRAP_BEFORE_CALL = "Wrap is before general call. After midnight, write 25:30 for 01:30."


class StaleDay(Exception):
    """The shoot day changed since the version an edit was based on."""

    def __init__(self, day: ShootDay):
        super().__init__(f"Day {day.day_number} was changed by someone else meanwhile. Reload to see it.")
        self.day = day


def _colours(value: str) -> str:
    return ",".join(name.strip() for name in value.split(","))


def create_production(user, data: dict) -> Production:
    """Create a production run by user, with a Production department for the office."""
    production = Production(**{key: data[key] for key in PRODUCTION_FIELDS if key in data})
    production.revision_colours = _colours(production.revision_colours or "White")
    db.session.add(production)
    db.session.flush()
    office = Department(production_id=production.id, name="Production", sort_order=0)
    db.session.add(office)
    db.session.flush()
    db.session.add(
        Person(
            production_id=production.id,
            user=user,
            role=COORDINATOR,
            name=user.name,
            email=user.email,
            department_id=office.id,
            job_title="Production Coordinator",
        )
    )
    return production


def update_production(production: Production, data: dict) -> None:
    """Change a production's settings."""
    for key in PRODUCTION_FIELDS:
        if key in data:
            setattr(production, key, _colours(data[key]) if key == "revision_colours" else data[key])


def locations(production_id: int) -> list[Location]:
    """Return the production's locations by name."""
    return list(
        db.session.scalars(sa.select(Location).where(Location.production_id == production_id).order_by(Location.name))
    )


def _check_location(production_id: int, location_id: int | None, field: str = "location_id") -> None:
    if (
        location_id is not None
        and db.session.scalar(
            sa.select(Location.id).where(Location.id == location_id, Location.production_id == production_id)
        )
        is None
    ):
        raise Rejected.on(field, "Choose one of the production's locations.")


def add_location(production_id: int, data: dict) -> Location:
    """Add a location to the production."""
    location = Location(production_id=production_id, **{k: data[k] for k in LOCATION_FIELDS if k in data})
    db.session.add(location)
    db.session.flush()
    return location


def update_location(location: Location, data: dict) -> None:
    """Change a location's details."""
    for key in LOCATION_FIELDS:
        if key in data:
            setattr(location, key, data[key])


def shoot_days(production_id: int) -> list[ShootDay]:
    """Return the production's shoot days by date."""
    return list(
        db.session.scalars(
            sa.select(ShootDay)
            .where(ShootDay.production_id == production_id)
            .options(selectinload(ShootDay.location))
            .order_by(ShootDay.date)
        )
    )


def _check_day(production_id: int, data: dict, day: ShootDay | None = None) -> None:
    """Refuse a day's new values that clash with its other days, locations or its own times."""
    errors: dict[str, list[str]] = {}
    others = sa.and_(ShootDay.production_id == production_id, ShootDay.id != (day.id if day else 0))
    # Judged on the values the day will have, so one field edited alone meets the rule too.
    call = data.get("general_call", day.general_call if day else None)
    wrap = data.get("estimated_wrap", day.estimated_wrap if day else None)
    if call is not None and wrap is not None and wrap <= call:
        errors["estimated_wrap"] = [WRAP_BEFORE_CALL]
    if data.get("date") is not None:
        clash = db.session.scalar(sa.select(ShootDay).where(others, ShootDay.date == data["date"]))
        if clash is not None:
            errors["date"] = [f"Day {clash.day_number} is already on {data['date']:%a %-d %b %Y}."]
    if data.get("day_number") is not None:
        clash = db.session.scalar(sa.select(ShootDay).where(others, ShootDay.day_number == data["day_number"]))
        if clash is not None:
            errors["day_number"] = [f"Day {data['day_number']} is already {clash.date:%a %-d %b %Y}."]
    try:
        _check_location(production_id, data.get("location_id"))
    except Rejected as rejected:
        errors.update(rejected.errors)
    if errors:
        raise Rejected(errors)


def add_shoot_day(production_id: int, data: dict) -> ShootDay:
    """Add a shoot day; it takes the next day number unless one is given."""
    data = dict(data)
    if data.get("day_number") is None:
        last = db.session.scalar(
            sa.select(sa.func.max(ShootDay.day_number)).where(ShootDay.production_id == production_id)
        )
        data["day_number"] = (last or 0) + 1
    _check_day(production_id, data)
    day = ShootDay(production_id=production_id, **{k: data[k] for k in DAY_FIELDS if k in data})
    db.session.add(day)
    db.session.flush()
    return day


def next_free_date(production_id: int, today: date) -> date:
    """Return the day after the last shoot day, or today when there is none."""
    last = db.session.scalar(sa.select(sa.func.max(ShootDay.date)).where(ShootDay.production_id == production_id))
    return date.fromordinal(last.toordinal() + 1) if last else today


def touch(day: ShootDay) -> None:
    """Bump the day's version: its call sheet content changed."""
    day.version = (day.version or 0) + 1


def update_day(day: ShootDay, data: dict, based_on_version: int | None = None) -> None:
    """Change a shoot day's fields; refuse an edit based on an older version."""
    if based_on_version is not None and based_on_version != day.version:
        raise StaleDay(day)
    _check_day(day.production_id, data, day)
    for key in DAY_FIELDS:
        if key in data:
            setattr(day, key, data[key])
    touch(day)


def set_department_call(day: ShootDay, department: Department, call_offset: int | None, notes: str) -> None:
    """Set a department's offset (None: its usual one) and notes for one day."""
    row = db.session.scalar(
        sa.select(DepartmentCall).where(
            DepartmentCall.shoot_day_id == day.id, DepartmentCall.department_id == department.id
        )
    )
    if call_offset is None and not notes:
        if row is not None:
            db.session.delete(row)
    else:
        if row is None:
            row = DepartmentCall(production_id=day.production_id, shoot_day_id=day.id, department_id=department.id)
            db.session.add(row)
        row.call_offset, row.notes = call_offset, notes
    touch(day)


CALL_FIELDS = ("call_override", "pickup", "hair_makeup_wardrobe", "on_set", "day_status", "notes")


def set_person_call(day: ShootDay, person: Person, data: dict) -> None:
    """Set a person's call on a day: override, cast times, status, or whether they are called."""
    row = db.session.scalar(
        sa.select(PersonCall).where(PersonCall.shoot_day_id == day.id, PersonCall.person_id == person.id)
    )
    usually_called = person.id in cast_in_scenes(day) if person.is_cast else True
    values = {key: getattr(row, key) if row else None for key in CALL_FIELDS}
    values.update({key: data[key] for key in CALL_FIELDS if key in data})
    called = row.called if row else usually_called
    action = data.get("action", "save")
    if action == "clear":
        values["call_override"] = None
    elif action in ("call", "not-called"):
        called = action == "call"
    if called == usually_called and all(value in (None, "") for value in values.values()):
        # Nothing differs from the day's defaults: let the person follow them again.
        if row is not None:
            db.session.delete(row)
    else:
        if row is None:
            row = PersonCall(production_id=day.production_id, shoot_day_id=day.id, person_id=person.id)
            db.session.add(row)
        row.called = called
        for key, value in values.items():
            setattr(row, key, value if value is not None or key not in ("day_status", "notes") else "")
    touch(day)
