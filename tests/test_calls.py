"""Call arithmetic: general crew call + department offset, per-day offsets, overrides, after midnight."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.crew.models import Department, Person
from app.extensions import db
from app.schedule.calls import day_calls
from app.schedule.models import DepartmentCall, PersonCall, Production, ShootDay
from app.schedule.service import set_department_call, set_person_call
from office_fixtures import HX, iron_men, office  # noqa: F401


@pytest.fixture
def unit(app):
    """A small production: general call 07:00, Camera at 0:00, Art at -1:00, one cast member."""
    with app.app_context():
        production = Production(title="Unit")
        db.session.add(production)
        db.session.flush()
        camera = Department(production_id=production.id, name="Camera", sort_order=0, call_offset=0)
        art = Department(production_id=production.id, name="Art", sort_order=1, call_offset=-60)
        db.session.add_all([camera, art])
        db.session.flush()
        db.session.add_all(
            [
                Person(production_id=production.id, name="Cam Op", department_id=camera.id),
                Person(production_id=production.id, name="Props", department_id=art.id),
                Person(production_id=production.id, name="Lead", department_id=camera.id, cast_number=1),
            ]
        )
        day = ShootDay(production_id=production.id, date=date(2031, 1, 6), day_number=1, general_call=7 * 60)
        db.session.add(day)
        db.session.commit()
        return day.id


def calls_by_name(day_id):
    day = db.session.get(ShootDay, day_id)
    return {call.person.name: call for call in day_calls(day, include_uncalled=True)}


def test_department_call_is_general_call_plus_offset(app, unit):
    with app.app_context():
        calls = calls_by_name(unit)
        assert (calls["Cam Op"].call, calls["Props"].call) == (420, 360)
        assert not calls["Lead"].called  # cast are called by the scenes they are in


def test_moving_general_call_moves_every_call_that_is_not_overridden(app, unit):
    with app.app_context():
        day = db.session.get(ShootDay, unit)
        props = db.session.scalar(sa.select(Person).where(Person.name == "Props"))
        set_person_call(day, props, {"call_override": 5 * 60 + 30})
        day.general_call = 9 * 60
        db.session.commit()
        calls = calls_by_name(unit)
        assert (calls["Cam Op"].call, calls["Props"].call, calls["Props"].overridden) == (540, 330, True)


def test_calls_after_midnight_run_past_24_hours(app, unit):
    with app.app_context():
        day = db.session.get(ShootDay, unit)
        day.general_call = 23 * 60 + 30
        camera = db.session.scalar(sa.select(Department).where(Department.name == "Camera"))
        set_department_call(day, camera, 90, "Night exterior")
        db.session.commit()
        calls = calls_by_name(unit)
        assert (calls["Cam Op"].call, calls["Props"].call) == (25 * 60, 22 * 60 + 30)


def test_a_day_offset_overrides_the_usual_offset_for_that_day_only(app, unit):
    with app.app_context():
        day = db.session.get(ShootDay, unit)
        art = db.session.scalar(sa.select(Department).where(Department.name == "Art"))
        set_department_call(day, art, -120, "")
        db.session.commit()
        assert calls_by_name(unit)["Props"].call == 300
        set_department_call(day, art, None, "")
        db.session.commit()
        assert calls_by_name(unit)["Props"].call == 360
        assert db.session.query(DepartmentCall).count() == 0


def test_a_person_call_back_at_its_defaults_leaves_no_row(app, unit):
    with app.app_context():
        day = db.session.get(ShootDay, unit)
        lead = db.session.scalar(sa.select(Person).where(Person.name == "Lead"))
        set_person_call(day, lead, {"action": "call"})
        set_person_call(day, lead, {"pickup": 6 * 60, "day_status": "SW"})
        db.session.commit()
        call = calls_by_name(unit)["Lead"]
        assert (call.called, call.call, call.pickup, call.day_status) == (True, 420, 360, "SW")
        set_person_call(day, lead, {"pickup": None, "day_status": "", "notes": "", "action": "not-called"})
        db.session.commit()
        assert db.session.query(PersonCall).count() == 0


# Through the day editor


def call_row(body, person_id):
    match = re.search(rf'<form id="call-{person_id}".*?</form>', body, re.S)
    return match.group(0) if match else ""


def person_id(app, name, production_id):
    with app.app_context():
        return db.session.scalar(sa.select(Person.id).where(Person.name == name, Person.production_id == production_id))


def general_call_form(value):
    return {"general_call": value, "estimated_wrap": ""}


def test_moving_general_call_in_the_editor_visibly_moves_calls_not_overridden(office, demo, iron_men):
    marta = person_id(demo, "Marta Kowalska", iron_men.production)  # Camera, offset 0
    hugo = person_id(demo, "Hugo Petit", iron_men.production)  # Art, offset -1:00
    eleanor = person_id(demo, "Eleanor Vance", iron_men.production)  # cast with own call 07:00
    response = office.post(f"/p/{iron_men.production}/days/{iron_men.day}", data=general_call_form("08:15"), headers=HX)
    body = response.get_data(as_text=True)
    assert ">08:15</strong>" in call_row(body, marta)
    assert ">07:15</strong>" in call_row(body, hugo)
    assert ">07:00</strong>" in call_row(body, eleanor) and "own call" in call_row(body, eleanor)


def test_general_call_after_midnight_shows_next_day_calls(office, demo, iron_men):
    marta = person_id(demo, "Marta Kowalska", iron_men.production)
    hugo = person_id(demo, "Hugo Petit", iron_men.production)
    response = office.post(f"/p/{iron_men.production}/days/{iron_men.day}", data=general_call_form("24:30"), headers=HX)
    body = response.get_data(as_text=True)
    assert ">00:30 +1</strong>" in call_row(body, marta)
    assert ">23:30</strong>" in call_row(body, hugo)


def test_setting_and_clearing_a_persons_own_call(office, demo, iron_men):
    marta = person_id(demo, "Marta Kowalska", iron_men.production)
    url = f"/p/{iron_men.production}/days/{iron_men.day}/calls/{marta}"
    response = office.post(url, data={"call_override": "06:10", "notes": "Lens test", "action": "save"}, headers=HX)
    row = response.get_data(as_text=True)
    assert row.lstrip().startswith(f'<form id="call-{marta}"') and ">06:10</strong>" in row and "own call" in row
    response = office.post(url, data={"call_override": "06:10", "notes": "Lens test", "action": "clear"}, headers=HX)
    row = response.get_data(as_text=True)
    assert ">07:00</strong>" in row and "own call" not in row and 'value="Lens test"' in row
    with demo.app_context():
        assert db.session.get(ShootDay, iron_men.day).version == 3


def test_not_called_toggle_and_cast_times(office, demo, iron_men):
    marta = person_id(demo, "Marta Kowalska", iron_men.production)
    url = f"/p/{iron_men.production}/days/{iron_men.day}/calls/{marta}"
    row = office.post(url, data={"action": "not-called"}, headers=HX).get_data(as_text=True)
    assert "Not called" in row and 'value="call"' in row
    response = office.post(url, data={"action": "call"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#call-{marta}")
    clara = person_id(demo, "Clara Jensen", iron_men.production)  # cast, not in Day 1's scenes
    url = f"/p/{iron_men.production}/days/{iron_men.day}/calls/{clara}"
    office.post(url, data={"action": "call"})
    row = office.post(
        url,
        data={
            "call_override": "",
            "pickup": "05:45",
            "hair_makeup_wardrobe": "06:30",
            "on_set": "08:00",
            "day_status": "SWF",
            "notes": "",
        },
        headers=HX,
    )
    body = row.get_data(as_text=True)
    assert 'value="05:45"' in body and '<option value="SWF" selected>' in body
    with demo.app_context():
        day = db.session.get(ShootDay, iron_men.day)
        call = next(c for c in day_calls(day) if c.person.id == clara)
        assert (call.called, call.pickup, call.hair_makeup_wardrobe, call.on_set, call.day_status) == (
            True,
            345,
            390,
            480,
            "SWF",
        )


def test_a_wrong_call_time_is_a_field_error_in_the_row_and_nothing_changes(office, demo, iron_men):
    eleanor = person_id(demo, "Eleanor Vance", iron_men.production)
    url = f"/p/{iron_men.production}/days/{iron_men.day}/calls/{eleanor}"
    response = office.post(url, data={"call_override": "06:00", "pickup": "5:75", "day_status": "X"}, headers=HX)
    assert response.status_code == 422
    row = response.get_data(as_text=True)
    assert row.lstrip().startswith(f'<form id="call-{eleanor}"') and "up to 47:59" in row
    assert "Choose SW, W, WF, SWF or H." in row and 'value="5:75"' in row
    page = office.post(url, data={"call_override": "6.75"})
    assert page.status_code == 422 and "<html" in page.get_data(as_text=True)
    with demo.app_context():
        call = next(c for c in day_calls(db.session.get(ShootDay, iron_men.day)) if c.person.id == eleanor)
        assert (call.call, call.pickup, call.day_status) == (420, 390, "SW")
        assert db.session.get(ShootDay, iron_men.day).version == 1


def test_a_department_offset_for_the_day_moves_its_people(office, demo, iron_men):
    with demo.app_context():
        camera = db.session.scalar(
            sa.select(Department.id).where(Department.production_id == iron_men.production, Department.name == "Camera")
        )
    marta = person_id(demo, "Marta Kowalska", iron_men.production)
    url = f"/p/{iron_men.production}/days/{iron_men.day}/departments/{camera}"
    response = office.post(url, data={"call_offset": "-0:45", "notes": "Steadicam day"}, headers=HX)
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="department-calls"') and "today -0:45" in body
    assert ">06:15</strong>" in call_row(body, marta)
    bad = office.post(url, data={"call_offset": "soon", "notes": "x"}, headers=HX)
    assert bad.status_code == 422 and "Use an offset like -0:30" in bad.get_data(as_text=True)
