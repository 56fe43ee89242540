"""The proof property of the change model: for random pairs of call sheets, "nothing changed for
P" exactly when P's part of the rendered sheet reads the same, word for word.

P's part is what the change model promises to tell P about (app/callsheets/changes.py): every
day-wide line (the heading, key times and meals, sun, weather, key contacts, every location,
safety, walkies, notes, background, the advance schedule), P's own row, P's department (its
heading, call and notes) and the rows of the scenes P is in. Other people's rows and other
departments are theirs to be told about. Phones travel through `for_viewer` and are left as
the snapshot has them.
"""

import copy
import difflib
import re
from types import SimpleNamespace

from flask import render_template
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.callsheets.changes import compare
from app.callsheets.viewing import called_people
from test_change_model import ADA, CAMILLE, CHRIS, GRETA, _sheet

PEOPLE = (ADA, CHRIS, CAMILLE, GRETA)
TEXTS = st.sampled_from(["", "Lot C", "Jellyfish, no wading", "Unit 5", "Ch 2", "Rain", "Lot B"])
CLOCKS = st.one_of(st.none(), st.sampled_from([330, 360, 390, 420, 450, 780, 750, 1140, 1200]))
CALLS = st.sampled_from([330, 360, 390, 420, 450])


def full_sheet() -> dict:
    """The test model's sheet with everything the printed sheet shows, as build_snapshot makes it."""
    sheet = _sheet()
    sheet["schema"] = 1
    sheet["production"] |= {
        "id": 1,
        "title": "The Iron Men",
        "company": "Mersey Light",
        "office_phone": "0151 496 0000",
        "office_address": "2 Hope St",
    }
    sheet["day"] |= {"label": "Thursday 3 December 2026", "of": 5}
    sheet["sun"] = {"sunrise": 485, "sunset": 956, "note": ""}
    sheet["contacts"] = [{"id": 9, "role": "Director", "name": "Ines", "phone": "07700 900106", "public": True}]
    sheet["locations"][0] |= {"lat": 53.4, "lng": -2.99}
    sheet["locations"].append(
        {
            "id": 31,
            "name": "Pier Head",
            "address": "Pier Head",
            "lat": None,
            "lng": None,
            "parking": "",
            "base_camp": "",
            "holding": "",
            "notes": "",
            "hospital": {"name": "", "address": "", "phone": ""},
        }
    )
    for number, scene in enumerate(sheet["scenes"]):
        scene |= {
            "id": 100 + number,
            "int_ext": "INT",
            "set": f"WAREHOUSE {number}",
            "day_night": "DAY",
            "synopsis": "Maggie finds the ledger.",
            "eighths": 10,
            "location_id": 30,
            "location": "Harbour Warehouse",
        }
    sheet["scenes"].append(
        {
            "id": 102,
            "number": "14",
            "int_ext": "EXT",
            "set": "PIER",
            "day_night": "NIGHT",
            "synopsis": "",
            "eighths": 4,
            "location_id": 31,
            "location": "Pier Head",
            "cast_ids": [ADA],
        }
    )
    for entry in sheet["cast"]:
        entry |= {"phone": "07700 900201", "public": True}
    for department in sheet["departments"]:
        for entry in department["crew"]:
            entry |= {"phone": f"07700 9001{entry['id']:02d}", "public": True, "head": False}
    sheet["advance"][0] |= {
        "date": "2026-12-04",
        "number": 3,
        "scenes": [
            {
                "id": 200,
                "number": "14A",
                "int_ext": "INT",
                "set": "HALL",
                "day_night": "DAY",
                "eighths": 9,
                "cast": [1],
                "location_id": 40,
                "location": "Vance House",
            }
        ],
    }
    return _consistent(sheet)


def _consistent(sheet: dict) -> dict:
    """Derive what build_snapshot derives: scene cast numbers and the page total."""
    numbers = {entry["id"]: entry["number"] for entry in sheet["cast"]}
    for scene in sheet["scenes"]:
        scene["cast"] = [numbers[i] for i in scene["cast_ids"] if i in numbers]
    sheet["eighths_total"] = sum(scene["eighths"] for scene in sheet["scenes"])
    return sheet


def _at(sheet: dict, path: str):
    *parents, last = path.split(".")
    target = sheet
    for part in parents:
        target = target[int(part)] if part.isdecimal() else target[part]
    return target, int(last) if last.isdecimal() else last


# (path, values) pairs: one random edit sets path to a drawn value.
EDITS = [(f"day.{key}", CLOCKS) for key in ("shooting_call", "breakfast", "lunch", "wrap")] + [
    ("day.general_call", CALLS),
    *[
        (f"day.{key}", TEXTS)
        for key in ("breakfast_place", "lunch_place", "weather", "notes", "safety", "walkies", "background")
    ],
    ("day.number", st.sampled_from([2, 3])),
    ("day.of", st.sampled_from([5, 6])),
    ("day.label", st.sampled_from(["Thursday 3 December 2026", "Friday 4 December 2026"])),
    ("production.title", st.sampled_from(["The Iron Men", "Iron Men"])),
    ("production.office_phone", st.sampled_from(["0151 496 0000", "0151 496 0001"])),
    ("production.office_address", st.sampled_from(["2 Hope St", "3 Hope St"])),
    ("sun.sunrise", st.sampled_from([485, 487])),
    ("sun.note", st.sampled_from(["", "Sun behind the cranes"])),
    ("contacts.0.name", st.sampled_from(["Ines", "Tom"])),
    ("contacts.0.phone", st.sampled_from(["07700", "07701"])),
    *[
        (f"locations.{i}.{key}", TEXTS)
        for i in (0, 1)
        for key in ("address", "parking", "base_camp", "holding", "notes")
    ],
    ("locations.0.name", st.sampled_from(["Harbour Warehouse", "Dry Dock"])),
    ("locations.1.name", st.sampled_from(["Pier Head", "Dry Dock"])),
    ("locations.0.hospital.name", st.sampled_from(["St Mary's", "UCH"])),
    ("locations.0.hospital.phone", st.sampled_from(["020", "021"])),
    *[
        (f"scenes.{i}.{key}", values)
        for i in (0, 1, 2)
        for key, values in (
            ("set", st.sampled_from(["WAREHOUSE", "QUAY"])),
            ("day_night", st.sampled_from(["DAY", "NIGHT"])),
            ("synopsis", st.sampled_from(["", "The crates are gone."])),
            ("eighths", st.sampled_from([4, 10, 12])),
            ("cast_ids", st.sampled_from([[], [ADA]])),
        )
    ],
    ("scenes.2.location", st.sampled_from(["Pier Head", "Pier Head North"])),
    *[
        (f"cast.0.{key}", values)
        for key, values in (
            ("call", CALLS),
            ("pickup", CLOCKS),
            ("hmu", CLOCKS),
            ("on_set", CLOCKS),
            ("notes", TEXTS),
            ("status", st.sampled_from(["W", "SW", "H"])),
            ("character", st.sampled_from(["Maggie", "Mags"])),
            ("phone", st.sampled_from(["07700 900201", "07700 900299"])),
        )
    ],
    *[
        (f"departments.0.crew.{i}.{key}", values)
        for i in (0, 1)
        for key, values in (
            ("call", CALLS),
            ("notes", TEXTS),
            ("job", st.sampled_from(["1st AC", "Focus puller"])),
            ("phone", st.sampled_from(["07700 900102", "07700 900199"])),
        )
    ],
    ("departments.1.crew.0.call", CALLS),
    *[(f"departments.{i}.{key}", values) for i in (0, 1) for key, values in (("call", CALLS), ("notes", TEXTS))],
    ("advance.0.general_call", CALLS),
    ("advance.0.location", st.sampled_from(["Vance House", "Crosby"])),
    ("advance.0.scenes.0.set", st.sampled_from(["HALL", "GARDEN"])),
    ("advance.0.scenes.0.eighths", st.sampled_from([9, 7])),
]
STRUCTURAL = ["drop_scene", "drop_greta", "drop_camille", "drop_ada", "move_chris_to_grip"]


def _structural(sheet: dict, name: str) -> None:
    if name == "drop_scene":
        sheet["scenes"].pop(1)
    elif name == "drop_greta":
        sheet["departments"][1]["crew"].clear()
    elif name == "drop_camille":
        sheet["departments"][0]["crew"] = [e for e in sheet["departments"][0]["crew"] if e["id"] != CAMILLE]
    elif name == "drop_ada":
        sheet["cast"].clear()
        for scene in sheet["scenes"]:
            scene["cast_ids"] = []
    elif name == "move_chris_to_grip":
        chris = [e for e in sheet["departments"][0]["crew"] if e["id"] == CHRIS]
        sheet["departments"][0]["crew"] = [e for e in sheet["departments"][0]["crew"] if e["id"] != CHRIS]
        sheet["departments"][1]["crew"] += chris


@st.composite
def edited_sheets(draw) -> dict:
    sheet = full_sheet()
    for index in draw(st.lists(st.integers(0, len(EDITS) - 1), max_size=4, unique=True)):
        path, values = EDITS[index]
        target, key = _at(sheet, path)
        target[key] = copy.deepcopy(draw(values))
    for name in draw(st.lists(st.sampled_from(STRUCTURAL), max_size=2, unique=True)):
        _structural(sheet, name)
    return _consistent(sheet)


def _rows_of_others(html: str) -> str:
    """Keep table rows marked as the viewer's own (class "me"); drop the rest and the column heads."""
    html = re.sub(r"<thead>.*?</thead>", "", html, flags=re.DOTALL)
    return re.sub(
        r"<tr(?: class=\"([^\"]*)\")?>.*?(?=<tr[ >]|</tbody>|</table>)",
        lambda m: m.group(0) if "me" in (m.group(1) or "").split() else "",
        html,
        flags=re.DOTALL,
    )


def personal_text(app, sheet: dict, person_id: int) -> str:
    """Render the sheet for a viewer and return the words of their part of it."""
    with app.test_request_context():
        html = render_template(
            "callsheets/_sheet.html",
            sheet=sheet,
            papers=[],
            me=SimpleNamespace(id=person_id, is_coordinator=False, production_id=1),
        )
    html = re.sub(
        r'<section class="dp">.*?</section>',  # other departments
        lambda m: m.group(0) if 'class="me' in m.group(0) else "",
        html,
        flags=re.DOTALL,
    )
    html = re.sub(r"(<h2[^>]*>Scenes) <small>.*?</small>", r"\1", html)  # the day's count and pages
    html = re.sub(r'<h2[^>]*>Cast</h2>|<p class="muted">No scenes scheduled.</p>', "", html)
    html = _rows_of_others(html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=edited_sheets(), after=edited_sheets(), person_id=st.sampled_from(PEOPLE))
def test_nothing_changed_for_a_person_exactly_when_their_part_of_the_sheet_reads_the_same(
    app, before, after, person_id
):
    assume(person_id in called_people(before) or person_id in called_people(after))  # else no sheet of theirs
    told = compare(before, after).get(str(person_id), [])
    same = personal_text(app, before, person_id) == personal_text(app, after, person_id)
    if same != (not told):
        words = difflib.ndiff(
            personal_text(app, before, person_id).split(" "), personal_text(app, after, person_id).split(" ")
        )
        raise AssertionError(
            f"told {[c['text'] for c in told]} but the words differ by {[w for w in words if w[0] in '+-']}"
        )


def test_the_property_sees_a_changed_line(app):
    """The text the property compares does read a personal line and a day-wide one."""
    sheet = full_sheet()
    text = personal_text(app, sheet, CHRIS)
    assert "Chris 1st AC 07:00" in text and "Low tide at 14:00" in text and "Greta" not in text
    assert "Ada" not in text and "WAREHOUSE 0" not in text
    assert "WAREHOUSE 0" in personal_text(app, sheet, ADA)
