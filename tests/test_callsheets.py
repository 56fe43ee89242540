"""The call sheet: its content built from live data, the draft preview, privacy and cost."""

import json

import pytest
import sqlalchemy as sa
from flask import render_template

from app.callsheets.changes import compare
from app.callsheets.snapshot import build_snapshot
from app.crew.models import Person
from app.extensions import db
from app.schedule.models import DepartmentCall, Production, Scene, ShootDay
from app.schedule.schemas import format_pages
from callsheet_factory import build_production
from callsheet_fixtures import COORDINATOR, CREW, publish, text_of


def _snapshot(film, day_index=0):
    with film.app.app_context():
        return build_snapshot(db.session.get(ShootDay, film.day_ids[day_index]))


def test_the_call_sheet_carries_header_key_times_sun_and_contacts(film):
    sheet = _snapshot(film)
    assert sheet["production"]["title"] == "The Iron Men"
    assert sheet["production"]["office_phone"] == "+44 151 496 0000"
    assert (sheet["day"]["number"], sheet["day"]["of"]) == (1, 5)
    day = sheet["day"]
    assert (day["general_call"], day["shooting_call"], day["breakfast"], day["lunch"], day["wrap"]) == (
        420,
        480,
        390,
        780,
        1080,
    )
    assert day["breakfast_place"] and day["lunch_place"] and day["weather"].startswith("Overcast")
    assert 6 * 60 < sheet["sun"]["sunrise"] < 10 * 60 and 15 * 60 < sheet["sun"]["sunset"] < 22 * 60
    roles = [(c["role"], c["name"]) for c in sheet["contacts"]]
    assert roles == [
        ("Director", "Ines Moreau"),
        ("Producer", "Tom Keller"),
        ("UPM", "Priya Raman"),
        ("1st AD", "Sam Okafor"),
        ("2nd AD", "Lena Brandt"),
    ]
    assert all(c["phone"] for c in sheet["contacts"])


def test_the_location_has_address_coordinates_parking_and_nearest_hospital(film):
    place = _snapshot(film)["locations"][0]
    assert place["name"] == "Harbour Warehouse" and place["address"].startswith("Unit 4, Albert Dock")
    assert (place["lat"], place["lng"]) == (53.3997, -2.992)
    assert place["parking"] and place["base_camp"] and place["holding"]
    assert place["hospital"] == {
        "name": "Royal Liverpool University Hospital",
        "address": "Prescot Street, Liverpool L7 8XP",
        "phone": "+44 151 706 2000",
    }


def test_scenes_keep_their_order_with_cast_numbers_and_pages_in_eighths(film):
    sheet = _snapshot(film)
    assert [s["number"] for s in sheet["scenes"]] == ["12", "13", "15", "16"]
    first = sheet["scenes"][0]
    assert (first["int_ext"], first["set"], first["day_night"], first["cast"], first["eighths"]) == (
        "INT",
        "WAREHOUSE - OFFICE",
        "DAY",
        [1],
        13,
    )
    assert first["location"] == "Harbour Warehouse" and first["synopsis"]
    assert sheet["eighths_total"] == 13 + 20 + 6 + 4


@pytest.mark.parametrize("eighths, shown", [(13, "1 5/8"), (8, "1"), (6, "6/8"), (0, "0"), (43, "5 3/8")])
def test_pages_are_shown_in_eighths(eighths, shown):
    assert format_pages(eighths) == shown


def test_cast_list_has_status_pickup_report_makeup_and_on_set(film):
    cast = _snapshot(film)["cast"]
    assert [c["number"] for c in cast] == [1, 2, 4]
    maggie = cast[0]
    assert (maggie["name"], maggie["character"], maggie["status"]) == ("Eleanor Vance", "MAGGIE", "SW")
    assert (maggie["pickup"], maggie["call"], maggie["hmu"], maggie["on_set"]) == (390, 420, 435, 480)


def test_crew_calls_are_grouped_by_department_with_notes_and_heads_first(film):
    departments = _snapshot(film)["departments"]
    assert [d["name"] for d in departments] == [
        "Production",
        "Camera",
        "Grip & Electric",
        "Art",
        "Hair, Makeup & Wardrobe",
        "Sound",
    ]
    camera = departments[1]
    assert camera["call"] == 420 and camera["notes"].startswith("Steadicam")
    assert camera["crew"][0]["name"] == "Marta Kowalska"  # head of department
    chris = next(p for p in camera["crew"] if p["id"] == film.chris_id)
    assert (chris["call"], chris["job"]) == (420, "1st AC")


def test_advance_schedule_shows_the_next_two_days(film):
    advance = _snapshot(film)["advance"]
    assert [a["number"] for a in advance] == [2, 3]
    assert advance[0]["location"] == "Vance House" and [s["number"] for s in advance[0]["scenes"]] == ["3", "4", "7"]


def test_the_snapshot_is_plain_json_that_survives_a_round_trip(film):
    sheet = _snapshot(film)
    assert json.loads(json.dumps(sheet)) == sheet


def test_a_day_without_a_location_has_no_sun_times(film):
    with film.editing() as session:
        day = session.get(ShootDay, film.day_ids[4])
        day.location_id = None
        for scene in day.scenes:
            scene.location_id = None
    sheet = _snapshot(film, 4)
    assert sheet["sun"] is None and sheet["locations"] == []


def test_draft_preview_shows_each_persons_change_before_publishing(film, client, auth):
    film.move_call(film.chris_id, 6 * 60 + 30)
    auth.login(COORDINATOR)
    response = client.get(film.url(f"/days/{film.day_ids[0]}/callsheet"))
    assert response.status_code == 200
    page = text_of(response)
    assert "Draft — not published" in page
    assert "Chris Dunmore" in page and "Call 07:00 → 06:30" in page
    assert "Publish revision 2 · Blue" in page


def test_draft_preview_of_an_unpublished_day_says_everyone_will_be_told(film, client, auth):
    auth.login(COORDINATOR)
    page = text_of(client.get(film.url(f"/days/{film.day_ids[1]}/callsheet")))
    assert "First revision" in page and "Publish revision 1 · White" in page


def test_crew_can_never_see_a_draft(film, client, auth):
    auth.login(CREW)
    assert client.get(film.url(f"/days/{film.day_ids[0]}/callsheet")).status_code == 403
    assert publish(client, film).status_code == 403
    assert len(film.revisions()) == 1


def test_another_productions_days_are_not_found(film, client, auth):
    auth.login(CREW)  # not on the short
    assert client.get(f"/p/{film.short_id}/days/{film.short_day_id}/callsheet").status_code == 404
    auth.login(COORDINATOR)  # runs both, but a day belongs to one production
    assert client.get(film.url(f"/days/{film.short_day_id}/callsheet")).status_code == 404
    assert client.post(film.url(f"/days/{film.short_day_id}/publish")).status_code == 404


def test_crew_see_only_shared_numbers_and_coordinators_see_all(film, client, auth):
    with film.app.app_context():
        revision_id = film.revisions()[0].id
        priya = db.session.get(Person, film.priya_id).phone
        sam = db.session.scalar(sa.select(Person.phone).where(Person.name == "Sam Okafor"))
        chris = db.session.get(Person, film.chris_id)
        chris.share_phone = False
        db.session.commit()
    auth.login(CREW)
    page = client.get(film.url(f"/revisions/{revision_id}")).get_data(as_text=True)
    assert priya not in page and priya.replace(" ", "") not in page
    assert sam in page  # shared
    assert "+44 151 706 2000" in page and "tel:+441517062000" in page  # hospital is always callable
    auth.login(COORDINATOR)
    assert priya in client.get(film.url(f"/revisions/{revision_id}")).get_data(as_text=True)


def test_every_address_has_a_map_link_and_the_office_a_tap_to_call(film, client, auth):
    auth.login(CREW)
    page = client.get(film.url("/my-day")).get_data(as_text=True)
    assert "maps/search/?api=1&amp;query=53.3997,-2.992" in page
    assert "query=Prescot%20Street" in page
    assert "query=Production%20office%2C%202%20Hope%20Street" in page
    assert 'href="tel:+441514960000"' in page


def test_comparing_snapshots_names_every_kind_of_change(film):
    before = _snapshot(film)
    film.move_call(film.chris_id, 6 * 60 + 30)
    with film.editing() as session:
        maggie_id, clara = (
            session.scalar(sa.select(Person).where(Person.name == name)) for name in ("Eleanor Vance", "Clara Jensen")
        )
        maggie_id, clara_id = maggie_id.id, clara.id
        scene = session.scalar(sa.select(Scene).where(Scene.shoot_day_id == film.day_ids[0], Scene.number == "12"))
        scene.cast = [clara]
    film.move_call(maggie_id, 7 * 60, pickup=6 * 60)
    changes = compare(before, _snapshot(film))
    assert changes[str(film.chris_id)] == [
        {
            "kind": "call",
            "category": "time",
            "scope": "person",
            "safety": False,
            "before": "07:00",
            "after": "06:30",
            "before_minutes": 420,
            "after_minutes": 390,
            "text": "Call 07:00 → 06:30",
        }
    ]
    maggie = {c["kind"]: c for c in changes[str(maggie_id)]}
    assert maggie["pickup"]["text"] == "Pickup 06:30 → 06:00"
    assert (maggie["scenes"]["removed"], maggie["scenes"]["added"]) == (["12"], [])
    assert changes[str(clara_id)] == [
        {
            "kind": "called",
            "category": "time",
            "scope": "person",
            "safety": False,
            "after": "07:00",
            "after_minutes": 420,
            "text": "Called 07:00",
        }
    ]
    assert str(film.dana_id) not in changes  # unaffected people are not listed


def test_people_no_longer_called_and_location_moves_are_named(film):
    before = _snapshot(film)
    film.move_call(film.chris_id, None, called=False)
    with film.editing() as session:
        session.get(ShootDay, film.day_ids[0]).location_id = session.get(ShootDay, film.day_ids[1]).location_id
    changes = compare(before, _snapshot(film))
    assert changes[str(film.chris_id)][0]["text"] == "No longer called (was 07:00)"
    assert changes[str(film.dana_id)] == [
        {
            "kind": "location",
            "category": "place",
            "scope": "day",
            "safety": False,
            "before": "Harbour Warehouse",
            "after": "Vance House",
            "text": "Location Harbour Warehouse → Vance House",
        }
    ]


def test_department_notes_for_the_day_appear_with_the_department(film):
    with film.editing() as session:
        row = session.scalar(sa.select(DepartmentCall).where(DepartmentCall.shoot_day_id == film.day_ids[0]))
        row.notes = "Two cameras from lunch."
    camera = _snapshot(film)["departments"][1]
    assert camera["notes"] == "Two cameras from lunch."


def test_day_actions_partial_links_preview_history_and_board(film):
    with film.app.test_request_context():
        day = db.session.get(ShootDay, film.day_ids[0])
        html = render_template("callsheets/_day_actions.html", day=day, production=db.session.get(Production, film.id))
    assert f"/p/{film.id}/days/{day.id}/callsheet" in html
    assert f"/p/{film.id}/days/{day.id}/revisions" in html
    assert f"/p/{film.id}/days/{day.id}/board" in html


def _queries(app, action) -> int:
    count = 0

    def counter(*_args):
        nonlocal count
        count += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", counter)
    try:
        action()
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)
    return count


def _costs(app, client, auth, built) -> tuple[int, ...]:
    """Count the queries of building, previewing, publishing, reading and tracking one call sheet."""
    base = f"/p/{built.production_id}"

    def snapshot():
        with app.app_context():
            build_snapshot(db.session.get(ShootDay, built.day_id))

    auth.login(built.coordinator_email)
    preview = _queries(app, lambda: client.get(f"{base}/days/{built.day_id}/callsheet"))
    published = client.post(f"{base}/days/{built.day_id}/publish")
    revision = published.headers["Location"]
    page = _queries(app, lambda: client.get(revision))
    board = _queries(app, lambda: client.get(f"{revision}/board", headers={"HX-Request": "true"}))
    tag = client.get(f"{revision}/board", headers={"HX-Request": "true"}).headers["ETag"]
    unchanged = {"HX-Request": "true", "If-None-Match": tag}
    poll = _queries(app, lambda: _assert_status(client.get(f"{revision}/board", headers=unchanged), 304))
    auth.login(built.crew_email)
    my_day = _queries(app, lambda: client.get(f"{base}/my-day"))
    return _queries(app, snapshot), preview, page, board, poll, my_day


def _assert_status(response, status: int) -> None:
    assert response.status_code == status, response.status_code


def test_building_and_rendering_a_call_sheet_costs_the_same_queries_for_20_and_200_people(app, client, auth):
    with app.app_context():
        small = build_production(people=20, scenes=10, cast=5, title="Small", email_prefix="s-")
        large = build_production(people=200, scenes=10, cast=30, title="Large", email_prefix="l-")
        db.session.commit()
    assert _costs(app, client, auth, small) == _costs(app, client, auth, large)


def test_an_unchanged_board_poll_checks_acknowledgements_and_push_reach_in_one_statement(app, client, auth):
    """The 5-second poll answers 304 after one look at what could have changed, push reach included."""
    with app.app_context():
        built = build_production(people=20, scenes=5, cast=5, title="Poll", email_prefix="p-")
        db.session.commit()
    auth.login(built.coordinator_email)
    revision = client.post(f"/p/{built.production_id}/days/{built.day_id}/publish").headers["Location"]
    tag = client.get(f"{revision}/board", headers={"HX-Request": "true"}).headers["ETag"]
    statements = []
    with app.app_context():
        engine = db.engine
    listen = lambda *args: statements.append(args[2].lower())  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        _assert_status(client.get(f"{revision}/board", headers={"HX-Request": "true", "If-None-Match": tag}), 304)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    touching = [
        sql for sql in statements if "acknowledgements" in sql or "push_deliveries" in sql or "notifications" in sql
    ]
    assert len(touching) == 1 and "push_deliveries" in touching[0] and "acknowledgements" in touching[0]
    assert not [sql for sql in statements if "callsheet_revisions" in sql and "content" in sql]
