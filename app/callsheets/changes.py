"""What changed for each person between two call sheet snapshots: one change model.

`compare(previous, current)` returns the structure kept in `CallSheetRevision.changes`. The
preview before publishing, the revision page, the push and the feed all read it, so they all
say the same thing:

    {"<person id>": [change, ...], ...}     # ids as strings (JSON keys), call sheet order

A person's list holds everything that changed on *their* sheet: their own times, their
department's call and notes, their scenes, and every day-wide part (general and shooting
call, meals and their places, estimated wrap, location, parking, base camp, holding,
hospital, weather, notes, safety, walkies, background, the advance schedule). Only people
with at least one change appear, so "nothing changed for you" is true when it is said.

Each change is a dict:

    kind        what changed ("call", "lunch", "safety", "location", "scenes", ...)
    category    "time" | "place" | "safety" | "scenes" | "other"
    scope       "person" | "department" | "day" (day-wide changes are the same for everyone)
    safety      True when the change touches safety (safety notes, hospital): always flagged
    text        ready to read: "Call 07:00 → 06:30", "Lunch 13:00 → 12:30",
                "Safety: jellyfish, no wading", "Scenes added 14 · removed 13"
    before, after                 display strings ("" when absent)
    before_minutes, after_minutes minutes from the shoot day's midnight (time changes only)
    added, removed                scene numbers (scenes only)

A person's list is ranked: being called or released, then their own times, then safety,
then the rest (`_rank`). On the first revision of a day everyone called gets one "called"
change; someone no longer called gets one "released" change.
"""

from app.callsheets.viewing import called_people, main_location
from app.timeutil import format_clock

TEXT_LIMIT = 80  # a long note is quoted up to here in a change's text

# Day-wide times and texts: (kind, snapshot key in "day", label, category).
DAY_TIMES = (
    ("general_call", "general_call", "General call", "time"),
    ("shooting_call", "shooting_call", "Shooting call", "time"),
    ("breakfast", "breakfast", "Breakfast", "time"),
    ("lunch", "lunch", "Lunch", "time"),
    ("wrap", "wrap", "Estimated wrap", "time"),
)
DAY_TEXTS = (
    ("breakfast_place", "breakfast_place", "Breakfast at", "place"),
    ("lunch_place", "lunch_place", "Lunch at", "place"),
    ("safety", "safety", "Safety", "safety"),
    ("weather", "weather", "Weather", "other"),
    ("notes", "notes", "Notes", "other"),
    ("walkies", "walkies", "Walkies", "other"),
    ("background", "background", "Background", "other"),
)
# The main location's parts: (kind, key in the location, label, category).
PLACE_TEXTS = (
    ("address", "address", "Address", "place"),
    ("parking", "parking", "Parking", "place"),
    ("base_camp", "base_camp", "Base camp", "place"),
    ("holding", "holding", "Holding", "place"),
    ("location_notes", "notes", "Location notes", "other"),
)
PERSON_TIMES = (
    ("call", "call", "Call"),
    ("pickup", "pickup", "Pickup"),
    ("hmu", "hmu", "Hair & make-up"),
    ("on_set", "on_set", "On set"),
)
SAFETY_KINDS = frozenset({"safety", "hospital"})
CATEGORY_RANK = {"time": 3, "scenes": 4, "place": 5, "other": 6}


def _rank(change: dict) -> tuple[int, bool]:
    """Order a person's changes: called or released, their own times, safety, then the rest."""
    if change["kind"] in ("called", "released"):
        return 0, False
    if change["scope"] == "person" and change["category"] == "time":
        return 1, False
    if change["safety"]:
        return 2, False
    return CATEGORY_RANK[change["category"]], change["scope"] == "day"


def _change(kind: str, category: str, scope: str, text: str, **extra) -> dict:
    return {"kind": kind, "category": category, "scope": scope, "safety": kind in SAFETY_KINDS, "text": text, **extra}


def _time_change(kind: str, label: str, before: int | None, after: int | None, scope: str) -> dict | None:
    if before == after:
        return None
    old, new = format_clock(before), format_clock(after)
    if before is None:
        text = f"{label} {new} (new)"
    elif after is None:
        text = f"No {label[0].lower() + label[1:]} (was {old})"
    else:
        text = f"{label} {old} → {new}"
    return _change(kind, "time", scope, text, before=old, after=new, before_minutes=before, after_minutes=after)


def _quote(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= TEXT_LIMIT else value[: TEXT_LIMIT - 1].rstrip() + "…"


def _text_change(kind: str, label: str, before, after, category: str, scope: str) -> dict | None:
    before, after = (before or "").strip(), (after or "").strip()
    if before == after:
        return None
    text = f"{label}: {_quote(after)}" if after else f"{label} removed (was {_quote(before)})"
    return _change(kind, category, scope, text, before=before, after=after)


def _scene_change(before: list[str], after: list[str]) -> dict | None:
    added = [n for n in after if n not in before]
    removed = [n for n in before if n not in after]
    if not added and not removed:
        return None
    parts = ([f"added {', '.join(added)}"] if added else []) + ([f"removed {', '.join(removed)}"] if removed else [])
    return _change("scenes", "scenes", "person", "Scenes " + " · ".join(parts), added=added, removed=removed)


def _place_changes(previous: dict, current: dict) -> list[dict]:
    old, new = main_location(previous) or {}, main_location(current) or {}
    if old.get("id") != new.get("id") or old.get("name") != new.get("name"):
        before, after = old.get("name", ""), new.get("name", "")
        return [
            _change(
                "location",
                "place",
                "day",
                f"Location {before or 'none'} → {after or 'none'}",
                before=before,
                after=after,
            )
        ]
    found = [
        _text_change(kind, label, old.get(key), new.get(key), category, "day")
        for kind, key, label, category in PLACE_TEXTS
    ]
    old_hospital, new_hospital = old.get("hospital") or {}, new.get("hospital") or {}
    if old_hospital != new_hospital:
        after = ", ".join(v for v in (new_hospital.get("name"), new_hospital.get("address")) if v)
        found.append(
            _change(
                "hospital",
                "place",
                "day",
                f"Nearest hospital: {after or 'none listed'}",
                before=old_hospital.get("name") or "",
                after=new_hospital.get("name") or "",
            )
        )
    return found


def _advance_line(day: dict) -> str:
    scenes = ", ".join(s["number"] for s in day.get("scenes", []))
    parts = [
        day.get("short", ""),
        f"call {format_clock(day.get('general_call'))}" if day.get("general_call") is not None else "",
        day.get("location", ""),
        f"scenes {scenes}" if scenes else "",
    ]
    return " · ".join(p for p in parts if p)


def _advance_changes(previous: dict, current: dict) -> list[dict]:
    old = {d["id"]: _advance_line(d) for d in previous.get("advance", [])}
    new = {d["id"]: _advance_line(d) for d in current.get("advance", [])}
    return [
        _change("advance", "other", "day", f"Advance schedule: {line}", before=old.get(day_id, ""), after=line)
        for day_id, line in new.items()
        if old.get(day_id) != line
    ]


def day_changes(previous: dict, current: dict) -> list[dict]:
    """Return what changed between two snapshots for everyone called on both."""
    old, new = previous["day"], current["day"]
    found = [_time_change(kind, label, old.get(key), new.get(key), "day") for kind, key, label, _ in DAY_TIMES]
    found += [
        _text_change(kind, label, old.get(key), new.get(key), category, "day")
        for kind, key, label, category in DAY_TEXTS
    ]
    found += _place_changes(previous, current) + _advance_changes(previous, current)
    return [change for change in found if change]


def person_changes(old: dict, new: dict) -> list[dict]:
    """Return what changed in one person's own lines and their department's (`called_people` values)."""
    found = [_time_change(kind, label, old.get(key), new.get(key), "person") for kind, key, label in PERSON_TIMES]
    found.append(_text_change("call_notes", "Your notes", old.get("notes"), new.get("notes"), "other", "person"))
    found.append(_scene_change(old["scenes"], new["scenes"]))
    if old.get("call") == new.get("call"):  # a department call that moved their own call is said once
        found.append(
            _time_change(
                "department_call",
                f"{new['department']} call",
                old.get("department_call"),
                new.get("department_call"),
                "department",
            )
        )
    if old.get("department_id") == new.get("department_id"):
        found.append(
            _text_change(
                "department_notes",
                f"{new['department']} notes",
                old.get("department_notes"),
                new.get("department_notes"),
                "other",
                "department",
            )
        )
    return [change for change in found if change]


def compare(previous: dict | None, current: dict) -> dict[str, list[dict]]:
    """Return, per person, everything that changed on their sheet from the previous snapshot."""
    before = called_people(previous) if previous else {}
    after = called_people(current)
    shared = day_changes(previous, current) if previous else []
    changes: dict[str, list[dict]] = {}
    for person_id, new in after.items():
        old = before.get(person_id)
        if old is None:
            found = [
                _change(
                    "called",
                    "time",
                    "person",
                    f"Called {format_clock(new['call'])}",
                    after=format_clock(new["call"]),
                    after_minutes=new["call"],
                )
            ]
        else:
            found = sorted(person_changes(old, new) + shared, key=_rank)
        if found:
            changes[str(person_id)] = found
    for person_id, old in before.items():
        if person_id not in after:
            changes[str(person_id)] = [
                _change(
                    "released",
                    "time",
                    "person",
                    f"No longer called (was {format_clock(old['call'])})",
                    before=format_clock(old["call"]),
                    before_minutes=old["call"],
                )
            ]
    return changes


def describe(changes: dict[str, list[dict]], current: dict, previous: dict | None) -> list[dict]:
    """List the changes for the office: day-wide ones once ("Everyone called"), then per person."""
    people = {**(called_people(previous) if previous else {}), **called_people(current)}
    shared: list[dict] = []
    rows = []
    for key, items in changes.items():
        person = people.get(int(key), {"name": "Someone no longer on the production", "job": "", "department": ""})
        own = [c for c in items if c.get("scope") != "day"]
        shared += [c for c in items if c.get("scope") == "day" and c not in shared]
        if own:
            rows.append(
                {
                    "id": int(key),
                    "name": person["name"],
                    "job": person["job"],
                    "department": person["department"],
                    "changes": own,
                }
            )
    if shared:
        rows.insert(0, {"id": None, "name": "Everyone called", "job": "", "department": "", "changes": shared})
    return rows
