"""The complete content of a shoot day's call sheet, built from live data as plain JSON.

A snapshot is what a published revision freezes. Times are minutes from the shoot day's
midnight (render with the `clock` filter), pages are eighths (the `pages` filter), and every
phone number travels with `public` (shared by the person, or a department head, at publishing)
for the office's record; who sees a number is decided when the sheet is shown, by the
person's choice as it is then (`app.callsheets.viewing.for_viewer`). Building one costs the same
number of queries whatever the size of the crew.
"""

import re

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.crew.models import Department, Person
from app.extensions import db
from app.schedule.calls import Call, day_calls
from app.schedule.models import DepartmentCall, Location, Production, Scene, ShootDay
from app.schedule.sun import sun_times

SCHEMA = 1
ADVANCE_DAYS = 2
KEY_CONTACTS = [  # label (None: their own job title), job title pattern
    (None, re.compile(r"^director$")),
    (None, re.compile(r"\bproducer\b")),
    ("UPM", re.compile(r"^(unit production manager|upm)$")),
    ("1st AD", re.compile(r"^(1st|first) (assistant director|ad)$")),
    ("2nd AD", re.compile(r"^(2nd|second) (assistant director|ad)$")),
]


def _phone(person: Person) -> dict:
    return {"phone": person.phone or "", "public": bool(person.share_phone or person.is_department_head)}


def _contacts(people: list[Person]) -> list[dict]:
    """Find the key contacts by job title: director, producers, UPM, 1st and 2nd AD."""
    contacts = []
    for label, pattern in KEY_CONTACTS:
        for person in people:
            if pattern.search(person.job_title.strip().lower()):
                contacts.append(
                    {"id": person.id, "role": label or person.job_title, "name": person.name, **_phone(person)}
                )
    return contacts


def _location(location: Location | None) -> dict | None:
    if location is None:
        return None
    return {
        "id": location.id,
        "name": location.name,
        "address": location.address,
        "lat": location.latitude,
        "lng": location.longitude,
        "parking": location.parking,
        "base_camp": location.base_camp,
        "holding": location.holding,
        "notes": location.notes,
        "hospital": {
            "name": location.hospital_name,
            "address": location.hospital_address,
            "phone": location.hospital_phone,
        },
    }


def _scene(scene: Scene, locations: dict[int, Location]) -> dict:
    place = locations.get(scene.location_id)
    return {
        "id": scene.id,
        "number": scene.number,
        "int_ext": scene.int_ext,
        "set": scene.set_name,
        "day_night": scene.day_night,
        "synopsis": scene.synopsis,
        "eighths": scene.pages_eighths,
        "cast": [p.cast_number for p in scene.cast if p.cast_number is not None],
        "cast_ids": [p.id for p in scene.cast],
        "location_id": scene.location_id,
        "location": place.name if place else "",
    }


def _cast_entry(call: Call) -> dict:
    person = call.person
    return {
        "id": person.id,
        "number": person.cast_number,
        "name": person.name,
        "character": person.character,
        "status": call.day_status,
        "pickup": call.pickup,
        "call": call.call,
        "hmu": call.hair_makeup_wardrobe,
        "on_set": call.on_set,
        "notes": call.notes,
        "department_id": person.department_id,
        **_phone(person),
    }


def _crew_entry(call: Call) -> dict:
    person = call.person
    return {
        "id": person.id,
        "name": person.name,
        "job": person.job_title,
        "call": call.call,
        "notes": call.notes,
        "head": person.is_department_head,
        **_phone(person),
    }


def _departments(day: ShootDay, calls: list[Call]) -> list[dict]:
    """Group the crew's calls by department, with each department's call and notes for the day."""
    departments = db.session.scalars(
        sa.select(Department)
        .where(Department.production_id == day.production_id)
        .order_by(Department.sort_order, Department.name)
    ).all()
    notes = {
        row.department_id: row.notes
        for row in db.session.scalars(sa.select(DepartmentCall).where(DepartmentCall.shoot_day_id == day.id))
    }
    crew: dict[int | None, list[Call]] = {}
    for call in calls:
        if not call.person.is_cast:
            crew.setdefault(call.person.department_id, []).append(call)
    groups = []
    for department in [*departments, None]:
        key = department.id if department else None
        members = crew.get(key, [])
        if not members and not notes.get(key):
            continue
        groups.append(
            {
                "id": key,
                "name": department.name if department else "Crew",
                "call": members[0].department_call if members else None,
                "notes": notes.get(key, "") if department else "",
                # Heads of department first, then by name (sorted() keeps day_calls' name order).
                "crew": [_crew_entry(call) for call in sorted(members, key=lambda c: not c.person.is_department_head)],
            }
        )
    return groups


def _advance(day: ShootDay, days: list[ShootDay], scenes: list[Scene], locations: dict) -> list[dict]:
    """Describe the next shoot days: date, general call, location and scenes."""
    advance = []
    for later in days:
        place = locations.get(later.location_id)
        advance.append(
            {
                "id": later.id,
                "date": later.date.isoformat(),
                "short": later.date.strftime("%a %-d %b"),
                "number": later.day_number,
                "general_call": later.general_call,
                "location": place.name if place else "",
                "scenes": [
                    {k: v for k, v in _scene(s, locations).items() if k not in ("synopsis", "cast_ids")}
                    for s in scenes
                    if s.shoot_day_id == later.id
                ],
            }
        )
    return advance


def build_snapshot(day: ShootDay) -> dict:
    """Build the complete call sheet of a shoot day from live data, as a JSON-able dict."""
    production = db.session.get(Production, day.production_id)
    everyone = day_calls(day, include_uncalled=True)
    calls = [call for call in everyone if call.called]
    later_days = db.session.scalars(
        sa.select(ShootDay)
        .where(ShootDay.production_id == day.production_id, ShootDay.date > day.date)
        .order_by(ShootDay.date)
        .limit(ADVANCE_DAYS)
    ).all()
    total_days = db.session.scalar(
        sa.select(sa.func.count(ShootDay.id)).where(ShootDay.production_id == day.production_id)
    )
    scenes = db.session.scalars(
        sa.select(Scene)
        .where(Scene.shoot_day_id.in_([day.id] + [d.id for d in later_days]))
        .order_by(Scene.sort_order, Scene.id)
        .options(selectinload(Scene.cast))
    ).all()
    location_ids = {s.location_id for s in scenes} | {d.location_id for d in [day, *later_days]}
    locations = {
        loc.id: loc
        for loc in db.session.scalars(
            sa.select(Location).where(Location.id.in_([i for i in location_ids if i is not None]))
        )
    }
    today_scenes = [_scene(s, locations) for s in scenes if s.shoot_day_id == day.id]
    main_id = day.location_id or next((s["location_id"] for s in today_scenes if s["location_id"]), None)
    place_ids = [main_id] + [s["location_id"] for s in today_scenes]
    places = [_location(locations[i]) for i in dict.fromkeys(place_ids) if i in locations]
    main = locations.get(main_id)
    sun = sun_times(main.latitude, main.longitude, day.date, production.timezone) if main else None
    return {
        "schema": SCHEMA,
        "production": {
            "id": production.id,
            "title": production.title,
            "company": production.company,
            "office_phone": production.office_phone,
            "office_address": production.office_address,
            "timezone": production.timezone,
        },
        "day": {
            "id": day.id,
            "date": day.date.isoformat(),
            "label": day.date.strftime("%A %-d %B %Y"),
            "short": day.date.strftime("%a %-d %b"),
            "number": day.day_number,
            "of": total_days,
            "general_call": day.general_call,
            "shooting_call": day.shooting_call,
            "breakfast": day.breakfast,
            "breakfast_place": day.breakfast_place,
            "lunch": day.lunch,
            "lunch_place": day.lunch_place,
            "wrap": day.estimated_wrap,
            "weather": day.weather,
            "notes": day.notes,
            "safety": day.safety_notes,
            "walkies": day.walkie_channels,
            "background": day.background,
        },
        "sun": sun and {"sunrise": sun.sunrise, "sunset": sun.sunset, "note": sun.note},
        "contacts": _contacts([call.person for call in everyone]),
        "location_id": main_id,
        "locations": places,
        "scenes": today_scenes,
        "eighths_total": sum(s["eighths"] for s in today_scenes),
        "cast": sorted((_cast_entry(c) for c in calls if c.person.is_cast), key=lambda e: e["number"]),
        "departments": _departments(day, calls),
        "advance": _advance(day, later_days, scenes, locations),
    }
