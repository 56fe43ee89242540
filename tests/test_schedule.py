"""The production office on a tablet: productions, shoot days, scenes, locations and departments."""

import re

import sqlalchemy as sa

from app.crew.models import Department, Person
from app.extensions import db
from app.schedule.models import Location, Production, Scene, ShootDay
from office_fixtures import HX, ferry_office, iron_men, night_ferry, office  # noqa: F401


def day_form(**changes):
    form = {
        "general_call": "07:00",
        "shooting_call": "08:00",
        "breakfast": "06:30",
        "lunch": "13:00",
        "estimated_wrap": "18:00",
        "weather": "Dry",
        "notes": "",
        "safety_notes": "",
        "walkie_channels": "",
        "background": "",
        "breakfast_place": "",
        "lunch_place": "",
    }
    form.update(changes)
    return form


def scene_form(**changes):
    form = {
        "number": "99",
        "int_ext": "EXT",
        "set_name": "DOCKSIDE",
        "day_night": "NIGHT",
        "synopsis": "A new scene.",
        "pages_eighths": "1 3/8",
        "cast": "1, 2",
        "location_id": "",
    }
    form.update(changes)
    return form


def scene_numbers(app, day_id):
    with app.app_context():
        return list(
            db.session.scalars(sa.select(Scene.number).where(Scene.shoot_day_id == day_id).order_by(Scene.sort_order))
        )


def the_day(app, day_id):
    with app.app_context():
        day = db.session.get(ShootDay, day_id)
        db.session.expunge(day)
        return day


# Productions


def test_creating_a_production_makes_its_creator_the_coordinator(demo, client, auth):
    auth.login("crew@example.com")
    assert client.get("/productions/new").status_code == 200
    response = client.post(
        "/productions/new",
        data={
            "title": "Low Tide",
            "company": "Estuary Films",
            "timezone": "America/New_York",
            "revision_colours": "White, Blue ,Pink",
        },
    )
    assert response.status_code == 303
    with demo.app_context():
        production = db.session.scalar(sa.select(Production).where(Production.title == "Low Tide"))
        office = db.session.scalar(sa.select(Person).where(Person.production_id == production.id))
        assert (production.timezone, production.revision_colours) == ("America/New_York", "White,Blue,Pink")
        assert (office.role, office.email, office.department.name) == ("coordinator", "crew@example.com", "Production")
    assert response.headers["Location"].endswith(f"/p/{production.id}/")
    assert client.get(f"/p/{production.id}/").status_code == 200


def test_a_production_needs_a_known_time_zone_and_a_clean_colour_sequence(office, demo):
    cases = [
        ({"timezone": "Europe/Lndon"}, "Europe/Lndon is not a time zone we know"),
        ({"revision_colours": "White,,Blue"}, "Every colour needs a name"),
        ({"revision_colours": "White, Blue, white"}, "white is in the sequence twice."),
        ({"title": ""}, "Give the production a title"),
    ]
    for changes, message in cases:
        form = {"title": "Low Tide", "timezone": "Europe/London", "revision_colours": "White,Blue"} | changes
        response = office.post("/productions/new", data=form)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    with demo.app_context():
        assert db.session.scalar(sa.select(Production).where(Production.title == "Low Tide")) is None


def test_settings_save_in_place_with_htmx(office, demo, iron_men):
    url = f"/p/{iron_men.production}/settings"
    assert 'value="Europe/London"' in office.get(url).get_data(as_text=True)
    form = {
        "title": "The Iron Men",
        "company": "Mersey Light",
        "timezone": "Europe/Dublin",
        "office_phone": "+44 151 496 0001",
        "office_address": "Hope St",
        "revision_colours": "White,Blue,Pink",
    }
    response = office.post(url, data=form, headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<form id="production-form"')
    assert "Saved." in body
    with demo.app_context():
        production = db.session.get(Production, iron_men.production)
        assert (production.timezone, production.revision_colours) == ("Europe/Dublin", "White,Blue,Pink")
    response = office.post(url, data=form | {"timezone": "Mars/Olympus"}, headers=HX)
    assert response.status_code == 422 and "Mars/Olympus is not a time zone" in response.get_data(as_text=True)
    without_js = office.post(url, data=form)
    assert without_js.status_code == 303 and without_js.headers["Location"].endswith("/settings")


# Shoot days


def test_office_lists_shoot_days_as_day_x_of_y(office, iron_men):
    page = office.get(f"/p/{iron_men.production}/").get_data(as_text=True)
    assert "Day 1 of 5" in page and "Day 5 of 5" in page
    assert f'href="/p/{iron_men.production}/days/{iron_men.day}"' in page


def test_office_shows_which_days_have_a_published_call_sheet(office, iron_men):
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", office.get(f"/p/{iron_men.production}/").get_data(as_text=True)))
    days = re.findall(r"Day (\d) of 5 .*?(Published · Revision \d · \w+|Call sheet not published)", page)
    assert days == [
        ("1", "Published · Revision 1 · White"),
        *((str(n), "Call sheet not published") for n in range(2, 6)),
    ]


def test_adding_a_shoot_day_takes_the_next_number_and_opens_it(office, demo, iron_men):
    response = office.post(
        f"/p/{iron_men.production}/days", data={"date": "2031-05-01", "general_call": "06:00"}, headers=HX
    )
    assert response.status_code == 204
    with demo.app_context():
        day = db.session.scalar(
            sa.select(ShootDay).where(ShootDay.production_id == iron_men.production, ShootDay.day_number == 6)
        )
        assert (str(day.date), day.general_call) == ("2031-05-01", 360)
    assert response.headers["HX-Redirect"] == f"/p/{iron_men.production}/days/{day.id}"
    assert "Day 6 of 6" in office.get(f"/p/{iron_men.production}/days/{day.id}").get_data(as_text=True)


def test_a_shoot_day_date_or_number_already_taken_is_a_field_error(office, demo, iron_men):
    taken = the_day(demo, iron_men.day)
    response = office.post(
        f"/p/{iron_men.production}/days", data={"date": taken.date.isoformat(), "general_call": "07:00"}, headers=HX
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<form id="add-day"') and "Day 1 is already on" in body
    response = office.post(f"/p/{iron_men.production}/days", data={"date": "2031-05-01", "day_number": "2"})
    assert response.status_code == 422 and "Day 2 is already" in response.get_data(as_text=True)
    response = office.post(f"/p/{iron_men.production}/days", data={"date": "2031-05-01", "general_call": "7 am"})
    assert response.status_code == 422 and "Use 24-hour time like 07:30." in response.get_data(as_text=True)
    with demo.app_context():
        assert db.session.query(ShootDay).filter_by(production_id=iron_men.production).count() == 5


def test_day_editor_page_has_every_section_and_the_call_sheet_slot(office, iron_men):
    page = office.get(f"/p/{iron_men.production}/days/{iron_men.day}").get_data(as_text=True)
    for section in ('id="day-fields"', 'id="scenes"', 'id="department-calls"', 'id="calls"', 'class="production-nav"'):
        assert section in page
    assert "Day 1 of 5" in page and 'name="general_call" value="07:00"' in page


def test_saving_the_day_edits_every_field_and_bumps_its_version(office, demo, iron_men):
    before = the_day(demo, iron_men.day)
    form = day_form(
        date="2031-06-02",
        day_number="9",
        location_id=str(iron_men.location),
        general_call="0645",
        shooting_call="07:45",
        breakfast="",
        lunch="12:30",
        estimated_wrap="25:30",
        breakfast_place="Truck",
        lunch_place="Marquee",
        weather="Rain",
        notes="Quiet on set",
        safety_notes="Water",
        walkie_channels="Ch 1",
        background="20 extras",
    )
    response = office.post(f"/p/{iron_men.production}/days/{iron_men.day}", data=form, headers=HX)
    assert response.status_code == 200
    day = the_day(demo, iron_men.day)
    assert (
        str(day.date),
        day.day_number,
        day.general_call,
        day.shooting_call,
        day.breakfast,
        day.lunch,
        day.estimated_wrap,
    ) == ("2031-06-02", 9, 405, 465, None, 750, 1530)
    assert (
        day.breakfast_place,
        day.lunch_place,
        day.weather,
        day.notes,
        day.safety_notes,
        day.walkie_channels,
        day.background,
    ) == ("Truck", "Marquee", "Rain", "Quiet on set", "Water", "Ch 1", "20 extras")
    assert day.version == before.version + 1


def test_saving_the_day_with_htmx_swaps_the_form_and_refreshes_the_calls_out_of_band(office, iron_men):
    response = office.post(
        f"/p/{iron_men.production}/days/{iron_men.day}", data=day_form(general_call="08:00"), headers=HX
    )
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<form id="day-fields"') and "Saved" in body
    assert '<section id="calls" class="section" hx-swap-oob="true">' in body
    assert 'id="department-calls"' in body and 'id="day-head"' in body
    assert "<html" not in body


def test_saving_the_day_without_javascript_redirects_back_to_it(office, iron_men):
    response = office.post(f"/p/{iron_men.production}/days/{iron_men.day}", data=day_form())
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/days/{iron_men.day}#day-fields")


def test_a_wrong_time_is_a_field_error_and_nothing_is_half_written(office, demo, iron_men):
    before = the_day(demo, iron_men.day)
    for bad, message in (
        ("25:99", "up to 47:59"),
        ("48:00", "up to 47:59"),
        ("seven", "Use 24-hour time"),
        ("", "Use 24-hour time"),
    ):
        form = day_form(general_call=bad, weather="Snow storm")
        response = office.post(f"/p/{iron_men.production}/days/{iron_men.day}", data=form, headers=HX)
        assert response.status_code == 422
        body = response.get_data(as_text=True)
        assert message in body and 'class="field invalid"' in body and 'value="Snow storm"' in body
    response = office.post(
        f"/p/{iron_men.production}/days/{iron_men.day}", data=day_form(general_call="07:00", estimated_wrap="06:00")
    )
    assert response.status_code == 422 and "Wrap is before general call" in response.get_data(as_text=True)
    after = the_day(demo, iron_men.day)
    assert (after.weather, after.general_call, after.version) == (before.weather, before.general_call, before.version)


def test_an_edit_based_on_an_older_version_is_a_conflict(office, demo, iron_men):
    stale = the_day(demo, iron_men.day).version - 1
    response = office.post(
        f"/p/{iron_men.production}/days/{iron_men.day}",
        data=day_form(general_call="05:00", version=str(stale)),
        headers=HX,
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.get_data(as_text=True)
    assert the_day(demo, iron_men.day).general_call == 420


# Scenes


def test_adding_a_scene_puts_it_last_with_its_cast_and_pages(office, demo, iron_men):
    response = office.post(f"/p/{iron_men.production}/days/{iron_men.day}/scenes", data=scene_form(), headers=HX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="scenes"') and 'hx-swap-oob="true"' in body
    assert scene_numbers(demo, iron_men.day) == ["12", "13", "15", "16", "99"]
    with demo.app_context():
        scene = db.session.scalar(sa.select(Scene).where(Scene.number == "99"))
        assert (scene.pages_eighths, [p.cast_number for p in scene.cast], scene.int_ext, scene.day_night) == (
            11,
            [1, 2],
            "EXT",
            "NIGHT",
        )
        day = db.session.get(ShootDay, iron_men.day)
        assert day.version == 2


def test_pages_are_entered_in_eighths_in_any_usual_way(office, demo, iron_men):
    for number, entry, eighths in (("a", "11/8", 11), ("b", "2", 16), ("c", "3/8", 3), ("d", "5e", 5)):
        office.post(
            f"/p/{iron_men.production}/days/{iron_men.day}/scenes", data=scene_form(number=number, pages_eighths=entry)
        )
        with demo.app_context():
            assert db.session.scalar(sa.select(Scene.pages_eighths).where(Scene.number == number)) == eighths


def test_a_scene_number_already_on_the_day_is_a_field_error(office, demo, iron_men):
    response = office.post(
        f"/p/{iron_men.production}/days/{iron_men.day}/scenes", data=scene_form(number="12"), headers=HX
    )
    assert response.status_code == 422
    assert "Scene 12 is already on this day." in response.get_data(as_text=True)
    assert scene_numbers(demo, iron_men.day) == ["12", "13", "15", "16"]


def test_bad_scene_input_is_a_field_error_and_nothing_is_written(office, demo, iron_men, night_ferry):
    cases = [
        ({"pages_eighths": "-1 3/8"}, "A page count cannot be negative."),
        ({"pages_eighths": "0"}, "A scene is at least 1/8 of a page."),
        ({"pages_eighths": "2/3"}, "Page counts are in eighths"),
        ({"cast": "1, 42"}, "No cast number 42 on this production."),
        ({"int_ext": "OUTSIDE"}, "Choose INT, EXT or INT/EXT."),
        ({"day_night": "NOON"}, "Choose DAY, NIGHT, DAWN or DUSK."),
        ({"location_id": str(night_ferry.location)}, "Choose one of the production&#39;s locations."),
        ({"number": ""}, "Enter the scene number"),
    ]
    for changes, message in cases:
        response = office.post(f"/p/{iron_men.production}/days/{iron_men.day}/scenes", data=scene_form(**changes))
        assert response.status_code == 422, changes
        assert message in response.get_data(as_text=True)
    assert scene_numbers(demo, iron_men.day) == ["12", "13", "15", "16"]


def test_editing_a_scene_inline_and_without_javascript(office, demo, iron_men):
    edit = office.get(f"/p/{iron_men.production}/days/{iron_men.day}/scenes?edit={iron_men.scene}", headers=HX)
    body = edit.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="scenes"') and 'name="pages_eighths" value="1 5/8"' in body
    page = office.get(f"/p/{iron_men.production}/days/{iron_men.day}?edit_scene={iron_men.scene}")
    assert 'name="cast" value="1"' in page.get_data(as_text=True)
    url = f"/p/{iron_men.production}/days/{iron_men.day}/scenes/{iron_men.scene}"
    response = office.post(url, data=scene_form(number="12A", cast="1, 4"))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#scene-{iron_men.scene}")
    assert scene_numbers(demo, iron_men.day) == ["12A", "13", "15", "16"]
    clash = office.post(url, data=scene_form(number="13"), headers=HX)
    assert clash.status_code == 422 and "Scene 13 is already on this day." in clash.get_data(as_text=True)
    assert 'name="number" value="13"' in clash.get_data(as_text=True)


def test_scenes_move_up_and_down_with_or_without_javascript(office, demo, iron_men):
    url = f"/p/{iron_men.production}/days/{iron_men.day}/scenes/{iron_men.scene}/move"
    assert office.post(url, data={"direction": "down"}).status_code == 303
    assert scene_numbers(demo, iron_men.day) == ["13", "12", "15", "16"]
    response = office.post(url, data={"direction": "down"}, headers=HX)
    assert response.status_code == 200 and response.get_data(as_text=True).lstrip().startswith('<section id="scenes"')
    assert scene_numbers(demo, iron_men.day) == ["13", "15", "12", "16"]
    office.post(url, data={"direction": "up"})
    assert scene_numbers(demo, iron_men.day) == ["13", "12", "15", "16"]
    assert office.post(url, data={"direction": "sideways"}).status_code == 400


def test_deleting_a_scene_takes_it_off_the_day(office, demo, iron_men):
    response = office.post(f"/p/{iron_men.production}/days/{iron_men.day}/scenes/{iron_men.scene}/delete")
    assert response.status_code == 303
    assert scene_numbers(demo, iron_men.day) == ["13", "15", "16"]


def test_a_scene_of_another_day_is_not_found_through_this_day(office, demo, iron_men):
    with demo.app_context():
        other_day = db.session.scalar(
            sa.select(ShootDay.id).where(ShootDay.production_id == iron_men.production, ShootDay.id != iron_men.day)
        )
    url = f"/p/{iron_men.production}/days/{other_day}/scenes/{iron_men.scene}"
    assert office.post(url, data=scene_form()).status_code == 404
    assert office.post(url + "/delete").status_code == 404
    assert scene_numbers(demo, iron_men.day) == ["12", "13", "15", "16"]


# Locations


def test_adding_and_editing_a_location(office, demo, iron_men):
    form = {
        "name": "Pier Head",
        "address": "Pier Head, Liverpool L3 1BY",
        "latitude": "53.4046",
        "longitude": "-2.9957",
        "hospital_name": "Royal",
        "hospital_phone": "+44 151 706 2000",
    }
    response = office.post(f"/p/{iron_men.production}/locations", data=form, headers=HX)
    assert response.status_code == 200 and "Pier Head" in response.get_data(as_text=True)
    with demo.app_context():
        pier = db.session.scalar(sa.select(Location).where(Location.name == "Pier Head"))
        assert (pier.latitude, pier.longitude, pier.hospital_name) == (53.4046, -2.9957, "Royal")
    edit = office.get(f"/p/{iron_men.production}/locations?edit={pier.id}", headers=HX).get_data(as_text=True)
    assert 'name="latitude" value="53.4046"' in edit
    response = office.post(f"/p/{iron_men.production}/locations/{pier.id}", data=form | {"parking": "Lot B"})
    assert response.status_code == 303
    with demo.app_context():
        assert db.session.get(Location, pier.id).parking == "Lot B"


def test_coordinates_out_of_range_or_half_given_are_field_errors(office, demo, iron_men):
    cases = [
        ({"latitude": "91", "longitude": "0"}, "Latitude runs from -90 to 90."),
        ({"latitude": "0", "longitude": "-181"}, "Longitude runs from -180 to 180."),
        ({"latitude": "north", "longitude": "0"}, "Enter latitude in decimal degrees"),
        ({"latitude": "53.4", "longitude": ""}, "Enter both latitude and longitude, or neither."),
    ]
    for changes, message in cases:
        response = office.post(f"/p/{iron_men.production}/locations", data={"name": "Nowhere"} | changes, headers=HX)
        assert response.status_code == 422, changes
        assert message in response.get_data(as_text=True)
    with demo.app_context():
        assert db.session.scalar(sa.select(Location).where(Location.name == "Nowhere")) is None


# Departments


def department_names(app, production_id):
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Department.name)
                .where(Department.production_id == production_id)
                .order_by(Department.sort_order)
            )
        )


def test_departments_are_added_renamed_and_reordered(office, demo, iron_men):
    pid = iron_men.production
    response = office.post(f"/p/{pid}/departments", data={"name": "Locations", "call_offset": "-1:15"}, headers=HX)
    assert response.status_code == 200 and response.get_data(as_text=True).lstrip().startswith(
        '<section id="departments"'
    )
    assert department_names(demo, pid)[-1] == "Locations"
    with demo.app_context():
        locations = db.session.scalar(sa.select(Department).where(Department.name == "Locations"))
        assert locations.call_offset == -75
    office.post(f"/p/{pid}/departments/{locations.id}", data={"name": "Locations Dept", "call_offset": "+1:00"})
    office.post(f"/p/{pid}/departments/{locations.id}/move", data={"direction": "up"})
    assert department_names(demo, pid)[-2:] == ["Locations Dept", "Cast"]
    page = office.get(f"/p/{pid}/departments").get_data(as_text=True)
    assert 'value="+1:00"' in page and "08:00" in page  # the Day 1 general call 07:00 + 1:00


def test_department_name_taken_or_bad_offset_is_a_field_error(office, demo, iron_men):
    pid = iron_men.production
    for form, message in (
        ({"name": "camera", "call_offset": "0"}, "There is already a Camera department."),
        ({"name": "Drones", "call_offset": "half an hour"}, "Use an offset like -0:30"),
        ({"name": "Drones", "call_offset": "-13:00"}, "within 12 hours"),
    ):
        response = office.post(f"/p/{pid}/departments", data=form, headers=HX)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert "Drones" not in department_names(demo, pid)


# Who may edit: every route of the office screens

OFFICE_BLUEPRINTS = ("schedule.", "crew.", "access.")
OFFICE_PAGES = {"callsheets.office", "callsheets.add_day"}  # the overview lives with the call sheets
OPEN_TO_ANY_MEMBER = {"schedule.new_production"}  # anyone signed in may start a production


def is_office(endpoint: str) -> bool:
    return endpoint.startswith(OFFICE_BLUEPRINTS) or endpoint in OFFICE_PAGES


def office_routes(app):
    """Return (method, rule) for every office route that works on an existing production."""
    routes = []
    for rule in app.url_map.iter_rules():
        if is_office(rule.endpoint) and rule.endpoint not in OPEN_TO_ANY_MEMBER:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((method, rule.rule))
    return routes


def url_for_ids(rule, ids, production_id=None):
    values = {
        "production_id": production_id or ids.production,
        "day_id": ids.day,
        "scene_id": ids.scene,
        "person_id": ids.person,
        "department_id": ids.department,
        "location_id": ids.location,
    }
    return re.sub(r"<(?:int:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)


def test_the_access_checks_below_walk_every_office_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if is_office(rule.endpoint)}
    assert {
        "callsheets.office",
        "access.invite_person",
        "schedule.day",
        "schedule.save_call",
        "schedule.move_scene",
        "crew.add_person",
        "crew.confirm_import",
        "schedule.update_location",
        "schedule.move_department",
    } <= endpoints


def test_crew_get_403_on_every_office_route(demo, client, auth, iron_men):
    auth.login("crew@example.com")
    for method, rule in office_routes(demo):
        response = client.open(url_for_ids(rule, iron_men), method=method, data={"name": "Hijack"})
        assert response.status_code == 403, (method, rule)
    assert department_names(demo, iron_men.production)[0] == "Production"


def test_a_coordinator_of_another_production_gets_404_on_everything_of_this_one(
    demo, client, auth, iron_men, ferry_office
):
    auth.login(ferry_office)
    for method, rule in office_routes(demo):
        response = client.open(url_for_ids(rule, iron_men), method=method, data={"name": "Hijack"})
        assert response.status_code == 404, (method, rule)


def test_this_productions_objects_through_another_productions_urls_are_404(office, demo, iron_men, night_ferry):
    for method, rule in office_routes(demo):
        if not re.search(r"<(?:int:)?(day_id|scene_id|person_id|department_id|location_id)>", rule):
            continue
        response = office.open(
            url_for_ids(rule, iron_men, production_id=night_ferry.production),
            method=method,
            data={"name": "Hijack", "direction": "up"},
        )
        assert response.status_code == 404, (method, rule)
    edit_links = [
        f"/p/{night_ferry.production}/crew?edit={iron_men.person}",
        f"/p/{night_ferry.production}/locations?edit={iron_men.location}",
    ]
    for url in edit_links:
        assert office.get(url).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(demo, client, iron_men):
    for method, rule in office_routes(demo) + [("GET", "/productions/new")]:
        response = client.open(url_for_ids(rule, iron_men), method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], (method, rule)
