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

from app.callsheets.viewing import called_people, entry_of, main_location
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
# What the sheet prints of a scene row, of an advance day and of a person's own line.
SCENE_PRINTED = ("number", "int_ext", "set", "day_night", "synopsis", "eighths", "cast", "location_id", "location")
ADVANCE_PRINTED = ("number", "short", "general_call", "location")
LINE_PRINTED = ("name", "job", "number", "character", "status", "phone")
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
    found.append(_hospital_change(old, new, "Nearest hospital"))
    return found + _other_place_changes(previous, current)


def _hospital_change(old: dict, new: dict, label: str) -> dict | None:
    old_hospital, new_hospital = old.get("hospital") or {}, new.get("hospital") or {}
    if old_hospital == new_hospital:
        return None
    after = ", ".join(v for v in (new_hospital.get("name"), new_hospital.get("address")) if v)
    return _change(
        "hospital",
        "place",
        "day",
        f"{label}: {after or 'none listed'}",
        before=old_hospital.get("name") or "",
        after=new_hospital.get("name") or "",
    )


def _others(content: dict) -> dict:
    """Index the sheet's locations other than the main one (where some scenes are shot) by id."""
    return {p["id"]: p for p in content.get("locations", []) if p["id"] != content.get("location_id")}


def _other_place_changes(previous: dict, current: dict) -> list[dict]:
    """Tell the changes to the other locations the sheet lists: added, gone, or one of their parts."""
    old_places, new_places = _others(previous), _others(current)
    found = [
        _change(
            "other_location",
            "place",
            "day",
            f"Also at {p['name']}: {p.get('address') or ''}".rstrip(": "),
            before="",
            after=p["name"],
        )
        for key, p in new_places.items()
        if key not in old_places
    ]
    found += [
        _change("other_location", "place", "day", f"No longer at {p['name']}", before=p["name"], after="")
        for key, p in old_places.items()
        if key not in new_places
    ]
    for key, new in new_places.items():
        old = old_places.get(key)
        if old is None:
            continue
        if old.get("name") != new.get("name"):
            found.append(
                _change(
                    "other_location",
                    "place",
                    "day",
                    f"{old['name']} is now {new['name']}",
                    before=old["name"],
                    after=new["name"],
                )
            )
        found += [
            _text_change(
                kind, f"{new['name']} {label[0].lower() + label[1:]}", old.get(part), new.get(part), category, "day"
            )
            for kind, part, label, category in PLACE_TEXTS
        ]
        found.append(_hospital_change(old, new, f"Hospital near {new['name']}"))
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
    """Tell each day of the advance schedule whose printed lines changed (its scenes' details too)."""
    old = {d["id"]: d for d in previous.get("advance", [])}
    found = []
    for day in current.get("advance", []):
        before = old.get(day["id"])
        if before is None or _printed(before, ADVANCE_PRINTED, SCENE_PRINTED) != _printed(
            day, ADVANCE_PRINTED, SCENE_PRINTED
        ):
            line = _advance_line(day)
            found.append(
                _change(
                    "advance",
                    "other",
                    "day",
                    f"Advance schedule: {line}",
                    before=_advance_line(before) if before else "",
                    after=line,
                )
            )
    return found


def _printed(item: dict, keys: tuple, scene_keys: tuple = ()) -> tuple:
    """Return what the sheet prints of an item (and of its scenes), to tell whether it reads differently."""
    return tuple(item.get(k) for k in keys) + tuple(tuple(s.get(k) for k in scene_keys) for s in item.get("scenes", []))


def day_changes(previous: dict, current: dict) -> list[dict]:
    """Return what changed between two snapshots for everyone called on both."""
    old, new = previous["day"], current["day"]
    found = [_time_change(kind, label, old.get(key), new.get(key), "day") for kind, key, label, _ in DAY_TIMES]
    found += [
        _text_change(kind, label, old.get(key), new.get(key), category, "day")
        for kind, key, label, category in DAY_TEXTS
    ]
    found += _place_changes(previous, current) + _advance_changes(previous, current)
    found += _heading_changes(previous, current) + _sun_changes(previous, current)
    found.append(
        _text_change("contacts", "Key contacts", _contacts_line(previous), _contacts_line(current), "other", "day")
    )
    return [change for change in found if change]


def _heading_line(content: dict) -> str:
    production, day = content.get("production", {}), content["day"]
    parts = [
        production.get("title"),
        production.get("company"),
        f"office {production['office_phone']}" if production.get("office_phone") else "",
        production.get("office_address"),
        f"Day {day.get('number')} of {day.get('of')}",
        day.get("label"),
    ]
    return " · ".join(str(p) for p in parts if p)


def _heading_changes(previous: dict, current: dict) -> list[dict]:
    """The sheet's heading: the production, its office, and which day of how many this is."""
    return [_text_change("heading", "Heading", _heading_line(previous), _heading_line(current), "other", "day")]


def _sun_changes(previous: dict, current: dict) -> list[dict]:
    old, new = previous.get("sun") or {}, current.get("sun") or {}
    return [
        _time_change("sunrise", "Sunrise", old.get("sunrise"), new.get("sunrise"), "day"),
        _time_change("sunset", "Sunset", old.get("sunset"), new.get("sunset"), "day"),
        _text_change("sun_note", "Sun", old.get("note"), new.get("note"), "other", "day"),
    ]


def _contacts_line(content: dict) -> str:
    return " · ".join(
        " ".join(p for p in (c.get("role"), c.get("name"), c.get("phone")) if p) for c in content.get("contacts", [])
    )


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
    if old.get("department_id") != new.get("department_id"):
        found.append(
            _change(
                "department",
                "other",
                "department",
                f"Now listed with {new['department']} (was {old['department']})",
                before=old["department"],
                after=new["department"],
            )
        )
    else:
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


def line_changes(previous: dict, current: dict, person_id: int) -> list[dict]:
    """Return what changed in how the sheet prints a person's own line and the scenes they are in."""
    found = []
    old, new = entry_of(previous, person_id) or {}, entry_of(current, person_id) or {}
    if tuple(old.get(k) for k in LINE_PRINTED) != tuple(new.get(k) for k in LINE_PRINTED):
        line = " · ".join(str(new[k]) for k in LINE_PRINTED if new.get(k) not in (None, ""))
        found.append(_change("your_line", "other", "person", f"Your line on the sheet: {line}", before="", after=line))
    old_scenes = {s["number"]: s for s in previous["scenes"] if person_id in s["cast_ids"]}
    for scene in current["scenes"]:
        before = old_scenes.get(scene["number"])
        if before is not None and _printed(before, SCENE_PRINTED) != _printed(scene, SCENE_PRINTED):
            line = " ".join(str(scene.get(k) or "") for k in ("int_ext", "set")).strip()
            parts = [line, scene.get("day_night"), scene.get("location")]
            found.append(
                _change(
                    "scene_details",
                    "scenes",
                    "person",
                    f"Scene {scene['number']}: " + " · ".join(p for p in parts if p),
                    before="",
                    after=scene["number"],
                )
            )
    return found


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
            found = sorted(person_changes(old, new) + line_changes(previous, current, person_id) + shared, key=_rank)
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


# The parts of a location each printed on their own line of the sheet (margin marks).
PLACE_LINES = ("name", "address", "parking", "base_camp", "holding", "notes", "hospital")


def changed_lines(previous: dict | None, current: dict) -> set[str]:
    """Name every line of the current sheet that differs from the previous one: the margin marks.

    The same parts `compare` reads, addressed the way the sheet prints them:
    "day.<key>" (a day-wide time or text of `DAY_TIMES`/`DAY_TEXTS`; a meal's place marks its
    meal), "loc.<id>.<part>" (a location's `PLACE_LINES`, every part of a new location),
    "person.<id>" (a cast or crew row), "dept.<id>" (a department's heading: its call, its notes,
    or someone who left it), "cast" (someone left the cast), "scene.<number>", "scenes" (a scene
    went), "advance.<id>", "contacts", "sun" and "heading". The first revision has none.
    """
    if previous is None:
        return set()
    marks: set[str] = set()
    old_day, new_day = previous["day"], current["day"]
    for _, key, _, _ in DAY_TIMES + DAY_TEXTS:
        if old_day.get(key) != new_day.get(key):
            marks.add("day." + key.removesuffix("_place"))
    old_places = {p["id"]: p for p in previous.get("locations", [])}
    for place in current.get("locations", []):
        old = old_places.get(place["id"])
        marks |= {
            f"loc.{place['id']}.{part}" for part in PLACE_LINES if old is None or old.get(part) != place.get(part)
        }
    old_rows = {e["id"]: e for e in previous["cast"]}
    old_rows |= {e["id"]: {**e, "department_id": d["id"]} for d in previous["departments"] for e in d["crew"]}
    new_rows = {e["id"]: e for e in current["cast"]}
    new_rows |= {e["id"]: {**e, "department_id": d["id"]} for d in current["departments"] for e in d["crew"]}
    marks |= {f"person.{pid}" for pid, row in new_rows.items() if old_rows.get(pid) != row}
    for pid, row in old_rows.items():
        if pid not in new_rows:
            marks.add("cast" if any(e["id"] == pid for e in previous["cast"]) else f"dept.{row['department_id']}")
    old_departments = {d["id"]: d for d in previous["departments"]}
    for department in current["departments"]:
        old = old_departments.get(department["id"])
        if old is None or (old.get("call"), old.get("notes")) != (department.get("call"), department.get("notes")):
            marks.add(f"dept.{department['id']}")
    old_scenes = {s["number"]: s for s in previous["scenes"]}
    marks |= {f"scene.{s['number']}" for s in current["scenes"] if old_scenes.get(s["number"]) != s}
    if {s["number"] for s in previous["scenes"]} - {s["number"] for s in current["scenes"]}:
        marks.add("scenes")
    old_advance = {a["id"]: a for a in previous.get("advance", [])}
    marks |= {f"advance.{a['id']}" for a in current.get("advance", []) if old_advance.get(a["id"]) != a}
    marks |= {key for key in ("contacts", "sun") if previous.get(key) != current.get(key)}
    if _heading_line(previous) != _heading_line(current):
        marks.add("heading")
    return marks
