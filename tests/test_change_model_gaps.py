"""What the Hypothesis property found the change model did not tell: one field → one change, for those who see it."""

import copy

import pytest

from app.callsheets.changes import compare
from test_change_model import ADA, CHRIS, EVERYONE, GRETA, _set
from test_change_model_property import full_sheet, personal_text

TABLE = [
    ("locations.1.address", "Pier Head North", "address", "place", EVERYONE),
    ("locations.1.parking", "Quayside", "parking", "place", EVERYONE),
    ("locations.1.name", "Dry Dock", "other_location", "place", EVERYONE),
    ("production.office_phone", "0151 496 0001", "heading", "other", EVERYONE),
    ("day.of", 6, "heading", "other", EVERYONE),
    ("sun.sunrise", 487, "sunrise", "time", EVERYONE),
    ("sun.note", "Sun behind the cranes", "sun_note", "other", EVERYONE),
    ("contacts.0.phone", "07701", "contacts", "other", EVERYONE),
    ("cast.0.status", "H", "your_line", "other", {ADA}),
    ("cast.0.phone", "07700 900299", "your_line", "other", {ADA}),
    ("departments.0.crew.0.job", "Focus puller", "your_line", "other", {CHRIS}),
    ("scenes.0.set", "QUAY", "scene_details", "scenes", {ADA}),
    ("scenes.2.eighths", 12, "scene_details", "scenes", {ADA}),
    ("advance.0.scenes.0.set", "GARDEN", "advance", "other", EVERYONE),
]


@pytest.mark.parametrize("path, value, kind, category, told", TABLE, ids=[row[0] for row in TABLE])
def test_one_more_field_is_one_classified_change_for_exactly_those_who_see_it(path, value, kind, category, told):
    before = full_sheet()
    after = copy.deepcopy(before)
    _set(path, value)(after)
    changes = compare(before, after)
    assert set(map(int, changes)) == told
    for person_id in told:
        (change,) = changes[str(person_id)]
        assert (change["kind"], change["category"]) == (kind, category) and change["text"]


def test_moving_someone_to_another_department_tells_them():
    before = full_sheet()
    after = copy.deepcopy(before)
    after["departments"][1]["crew"].append(after["departments"][0]["crew"].pop(0))
    (change,) = compare(before, after)[str(CHRIS)]
    assert change["text"] == "Now listed with Grip (was Camera)"
    assert str(GRETA) not in compare(before, after)  # her line and her department read the same


def test_a_persons_own_call_notes_are_printed_on_the_sheet_they_are_told_about(app):
    sheet = full_sheet()
    _set("departments.0.crew.0.notes", "Bring the long lens")(sheet)
    assert "Bring the long lens" in personal_text(app, sheet, CHRIS)
