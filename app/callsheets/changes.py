"""What changed for each person between two call sheet snapshots.

`compare(previous, current)` returns the structure kept in `CallSheetRevision.changes` and
shown to the coordinator before publishing; the push worker reads it to tell each person
exactly what changed for them:

    {"<person id>": [change, ...], ...}     # ids as strings (JSON keys), call sheet order

Only people with at least one change appear. Each change is a dict with `kind` and a
ready-to-read `text`, plus fields for machines:

    kind        extra fields                                  text, for example
    "called"    after, after_minutes                          "Called 07:00"
    "released"  before, before_minutes                        "No longer called (was 07:00)"
    "call"      before, after, before_minutes, after_minutes  "Call 07:00 → 06:30"
    "pickup"    before, after, before_minutes, after_minutes  "Pickup 06:30 → 06:00"
    "location"  before, after  (location names)               "Location Harbour Warehouse → Vance House"
    "scenes"    added, removed (scene numbers)                "Scenes added 14 · removed 13"

`before`/`after` are display strings ("" when absent), `*_minutes` are minutes from the
shoot day's midnight (None when absent). A person's scenes are the scenes a cast member
appears in (crew have none: the day's scene list is not personal); a person's location is
the day's main location. On the first revision of a day (no previous snapshot) everyone
called gets a single "called" change.
"""
from app.callsheets.viewing import called_people, main_location
from app.timeutil import format_clock


def _time_change(kind: str, label: str, before: int | None, after: int | None) -> dict | None:
    if before == after:
        return None
    old, new = format_clock(before), format_clock(after)
    if before is None:
        text = f"{label} {new} (new)"
    elif after is None:
        text = f"No {label.lower()} (was {old})"
    else:
        text = f"{label} {old} → {new}"
    return {"kind": kind, "before": old, "after": new, "before_minutes": before,
            "after_minutes": after, "text": text}


def _scene_change(before: list[str], after: list[str]) -> dict | None:
    added = [n for n in after if n not in before]
    removed = [n for n in before if n not in after]
    if not added and not removed:
        return None
    parts = ([f"added {', '.join(added)}"] if added else []) + ([f"removed {', '.join(removed)}"] if removed else [])
    return {"kind": "scenes", "added": added, "removed": removed, "text": "Scenes " + " · ".join(parts)}


def _location_name(content: dict | None) -> str:
    place = main_location(content) if content else None
    return place["name"] if place else ""


def _person_changes(old: dict, new: dict, old_place: str, new_place: str) -> list[dict]:
    changes = [
        _time_change("call", "Call", old["call"], new["call"]),
        _time_change("pickup", "Pickup", old["pickup"], new["pickup"]),
        _scene_change(old["scenes"], new["scenes"]),
    ]
    if old_place != new_place:
        changes.append({"kind": "location", "before": old_place, "after": new_place,
                        "text": f"Location {old_place or 'none'} → {new_place or 'none'}"})
    return [change for change in changes if change]


def compare(previous: dict | None, current: dict) -> dict[str, list[dict]]:
    """Return, per person, what changed for them from the previous snapshot to the current one."""
    before = called_people(previous) if previous else {}
    after = called_people(current)
    old_place, new_place = _location_name(previous), _location_name(current)
    changes: dict[str, list[dict]] = {}
    for person_id, new in after.items():
        old = before.get(person_id)
        if old is None:
            found = [{"kind": "called", "after": format_clock(new["call"]), "after_minutes": new["call"],
                      "text": f"Called {format_clock(new['call'])}"}]
        else:
            found = _person_changes(old, new, old_place, new_place)
        if found:
            changes[str(person_id)] = found
    for person_id, old in before.items():
        if person_id not in after:
            changes[str(person_id)] = [{"kind": "released", "before": format_clock(old["call"]),
                                        "before_minutes": old["call"],
                                        "text": f"No longer called (was {format_clock(old['call'])})"}]
    return changes


def describe(changes: dict[str, list[dict]], current: dict, previous: dict | None) -> list[dict]:
    """List the changes with each person's name, job and department, in call sheet order."""
    people = {**(called_people(previous) if previous else {}), **called_people(current)}
    rows = []
    for key, items in changes.items():
        person = people.get(int(key), {"name": "Someone no longer on the production", "job": "", "department": ""})
        rows.append({"id": int(key), "name": person["name"], "job": person["job"],
                     "department": person["department"], "changes": items})
    return rows
