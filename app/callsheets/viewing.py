"""Reading a call sheet snapshot: who is called and how, and what a given viewer may see."""

import sqlalchemy as sa

from app.crew.models import Person, may_see_phone
from app.extensions import db


def _people_on(content: dict) -> list[dict]:
    departments = [entry for d in content["departments"] for entry in d["crew"]]
    return [*content["contacts"], *content["cast"], *departments]


def for_viewer(content: dict, viewer) -> dict:
    """Return the content with every phone number the viewer may not see blanked out.

    The snapshot keeps every number for the office's record; whether the crew see one
    follows each person's sharing choice as it is now, not as it was at publishing.
    """
    ids = {entry["id"] for entry in _people_on(content)}
    owners = (
        {
            person.id: person
            for person in db.session.scalars(
                sa.select(Person).where(Person.production_id == viewer.production_id, Person.id.in_(ids))
            )
        }
        if ids
        else {}
    )

    def visible(entry: dict) -> dict:
        if may_see_phone(viewer, owners.get(entry["id"])):
            return entry
        return {**entry, "phone": ""}

    return {
        **content,
        "contacts": [visible(c) for c in content["contacts"]],
        "cast": [visible(c) for c in content["cast"]],
        "departments": [{**d, "crew": [visible(c) for c in d["crew"]]} for d in content["departments"]],
    }


def main_location(content: dict) -> dict | None:
    """Return the day's main location (the first one listed)."""
    return next((place for place in content["locations"] if place["id"] == content["location_id"]), None)


def place_ids(content: dict) -> list[int]:
    """Return the ids of the locations a call sheet sends people to (its paperwork follows them)."""
    return [place["id"] for place in content["locations"]]


def called_people(content: dict) -> dict[int, dict]:
    """Index everyone called on a call sheet by person id, in call sheet order.

    Each value: name, call, pickup, hair/make-up and on-set times (cast only), their own
    call notes, scenes (numbers, cast only), department id, name, call and notes, and whether
    the person is cast.
    """
    scenes_of: dict[int, list[str]] = {}
    for scene in content["scenes"]:
        for person_id in scene["cast_ids"]:
            scenes_of.setdefault(person_id, []).append(scene["number"])
    departments = {d["id"]: d for d in content["departments"]}
    people = {}
    for entry in content["cast"]:
        department = departments.get(entry.get("department_id"), {"name": "Cast", "notes": "", "call": None})
        people[entry["id"]] = {
            "name": entry["name"],
            "call": entry["call"],
            "pickup": entry["pickup"],
            "hmu": entry.get("hmu"),
            "on_set": entry.get("on_set"),
            "notes": entry.get("notes") or "",
            "scenes": scenes_of.get(entry["id"], []),
            "department_id": entry.get("department_id"),
            "department": department["name"],
            "department_notes": department["notes"],
            "department_call": None,
            "cast": True,
            "job": f"#{entry['number']} {entry['character']}".strip(),
        }
    for department in content["departments"]:
        for entry in department["crew"]:
            people[entry["id"]] = {
                "name": entry["name"],
                "call": entry["call"],
                "pickup": None,
                "hmu": None,
                "on_set": None,
                "notes": entry.get("notes") or "",
                "scenes": [],
                "department_id": department["id"],
                "department": department["name"],
                "department_notes": department["notes"],
                "department_call": department.get("call"),
                "cast": False,
                "job": entry["job"],
            }
    return people


def entry_of(content: dict, person_id: int) -> dict | None:
    """Return a person's own row of the call sheet (cast or crew), or None when not called."""
    for entry in content["cast"]:
        if entry["id"] == person_id:
            return entry
    for department in content["departments"]:
        for entry in department["crew"]:
            if entry["id"] == person_id:
                return entry
    return None
