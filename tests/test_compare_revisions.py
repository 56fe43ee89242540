"""Where people look: margin marks on a revision, and any two revisions side by side."""

import copy
import re

from app.callsheets.changes import changed_lines
from app.schedule.models import ShootDay
from callsheet_fixtures import COORDINATOR, CREW, publish, text_of
from test_change_model import ADA, CHRIS, _set, _sheet


def _changed(*edits) -> set[str]:
    before = _sheet()
    after = copy.deepcopy(before)
    for edit in edits:
        edit(after)
    return changed_lines(before, after)


def test_the_first_revision_and_an_unchanged_sheet_have_no_marks():
    assert changed_lines(None, _sheet()) == set()
    assert changed_lines(_sheet(), _sheet()) == set()


def test_each_changed_part_marks_its_own_line():
    assert _changed(_set("day.lunch_place", "On set")) == {"day.lunch"}
    assert _changed(_set("day.safety", "Jellyfish")) == {"day.safety"}
    assert _changed(_set("locations.0.parking", "Lot C")) == {"loc.30.parking"}
    assert _changed(_set("departments.0.crew.0.call", 390)) == {f"person.{CHRIS}"}
    assert _changed(_set("departments.1.notes", "Dolly at 10")) == {"dept.11"}
    assert _changed(_set("cast.0.hmu", 380)) == {f"person.{ADA}"}
    assert _changed(_set("scenes.0.cast_ids", [])) == {"scene.12"}
    assert _changed(_set("advance.0.general_call", 360)) == {"advance.6"}
    assert _changed(_set("production.title", "Iron Men")) == {"heading"}


def test_someone_or_a_scene_taken_off_marks_the_heading_they_left():
    assert _changed(lambda s: s["departments"][1]["crew"].clear()) == {"dept.11"}
    assert _changed(lambda s: s["cast"].clear()) == {"cast"}
    assert _changed(lambda s: s["scenes"].pop()) == {"scenes"}


def _second_revision(film, client, auth):
    with film.editing() as session:
        session.get(ShootDay, film.day_ids[0]).lunch = 12 * 60 + 30
    film.move_call(film.chris_id, 6 * 60 + 15)
    auth.login(COORDINATOR)
    assert publish(client, film).status_code == 303
    return film.revisions()[-1]


def test_the_revision_page_marks_changed_lines_in_the_revision_colour(film, client, auth):
    second = _second_revision(film, client, auth)
    html = client.get(film.url(f"/revisions/{second.id}")).get_data(as_text=True)
    assert 'class="sheet marked pc-blue"' in html
    assert re.search(r'<div class="\s*rv"><dt>Lunch', html)
    assert re.search(r'<tr class="(me)?\s*rv"><td>Chris Dunmore', html)
    assert "marks each line changed since revision 1 · White" in text_of(
        client.get(film.url(f"/revisions/{second.id}"))
    )
    first = film.revisions()[0]
    assert " rv" not in client.get(film.url(f"/revisions/{first.id}")).get_data(as_text=True).split('id="sheet"')[1]


def test_the_office_compares_any_two_revisions_from_the_history(film, client, auth):
    _second_revision(film, client, auth)
    history = client.get(film.url(f"/days/{film.day_ids[0]}/revisions")).get_data(as_text=True)
    assert "Compare side by side" in history and "from=1&amp;to=2" in history
    response = client.get(film.url(f"/days/{film.day_ids[0]}/compare?from=2&to=1"))
    assert response.status_code == 200
    page = text_of(response)
    assert "What changed from revision 1 · White to 2 · Blue" in page
    assert "Everyone called Lunch 13:00 → 12:30" in page
    assert "Chris Dunmore" in page and "Call 07:00 → 06:15" in page
    html = response.get_data(as_text=True)
    assert 'id="sheet-1"' in html and 'id="sheet-2"' in html and html.count("sheet marked") == 2


def test_crew_compare_sees_only_their_own_changes(film, client, auth):
    _second_revision(film, client, auth)
    auth.logout()
    auth.login(CREW)
    page = text_of(client.get(film.url(f"/days/{film.day_ids[0]}/compare?from=1&to=2")))
    assert "Call 07:00 → 06:15" in page and "Lunch 13:00 → 12:30" in page
    assert "Everyone called" not in page


def test_a_bad_comparison_is_refused_with_a_reason(film, client, auth):
    _second_revision(film, client, auth)
    day = film.day_ids[0]
    for query, status, reason in [
        ("from=1&to=1", 400, "two different revisions"),
        ("from=1", 400, "Choose two revisions"),
        ("from=x&to=2", 400, "Choose a revision from the list"),
        ("from=1&to=99999999999", 400, "Choose a revision from the list"),
        ("from=1&to=7", 404, "no revision of that number"),
    ]:
        response = client.get(film.url(f"/days/{day}/compare?{query}"))
        assert response.status_code == status, query
        assert reason in text_of(response), query


def test_the_revision_page_links_to_the_side_by_side_with_the_previous_one(film, client, auth):
    second = _second_revision(film, client, auth)
    html = client.get(film.url(f"/revisions/{second.id}")).get_data(as_text=True)
    assert f"/days/{film.day_ids[0]}/compare?from=1&amp;to=2" in html


def test_the_draft_preview_marks_the_lines_publishing_would_change(film, client, auth):
    film.move_call(film.chris_id, 6 * 60 + 15)
    auth.login(COORDINATOR)
    html = client.get(film.url(f"/days/{film.day_ids[0]}/callsheet")).get_data(as_text=True)
    assert 'class="sheet marked pc-blue"' in html
    assert re.search(r'<tr class="\s*rv"><td>Chris Dunmore', html)
    assert "marks each line that changes from revision 1 · White" in text_of(
        client.get(film.url(f"/days/{film.day_ids[0]}/callsheet"))
    )
