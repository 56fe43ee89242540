"""The crew list: people by department, added, changed and removed by the production office."""

import sqlalchemy as sa

from app.crew.models import Department, Person
from app.extensions import db
from office_fixtures import HX, ferry_office, iron_men, night_ferry, office  # noqa: F401


def people_named(app, name):
    with app.app_context():
        return db.session.scalars(sa.select(Person).where(Person.name == name)).all()


def department_id(app, production_id, name):
    with app.app_context():
        return db.session.scalar(
            sa.select(Department.id).where(Department.production_id == production_id, Department.name == name)
        )


def new_person(**changes):
    form = {
        "name": "Noor Haddad",
        "job_title": "Loader",
        "email": "noor@crew.example.com",
        "phone": "+44 7700 900999",
        "role": "crew",
        "department_id": "",
        "cast_number": "",
        "character": "",
    }
    form.update(changes)
    return form


def test_crew_list_shows_everyone_by_department(office, iron_men):
    page = office.get(f"/p/{iron_men.production}/crew").get_data(as_text=True)
    assert page.index(">Production <") < page.index(">Camera <") < page.index(">Cast <")
    assert "Marta Kowalska" in page and "Director of Photography" in page
    assert "#1</span> Eleanor Vance" in page
    assert 'class="production-nav"' in page


def test_crew_list_fragment_is_the_people_block_alone(office, iron_men):
    response = office.get(f"/p/{iron_men.production}/crew?edit={iron_men.person}", headers=HX)
    body = response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]
    assert body.lstrip().startswith('<section id="people"') and "<html" not in body
    assert f'action="/p/{iron_men.production}/crew/{iron_men.person}"' in body


def test_adding_a_person_puts_them_in_their_department(office, demo, iron_men):
    camera = department_id(demo, iron_men.production, "Camera")
    response = office.post(
        f"/p/{iron_men.production}/crew", data=new_person(department_id=camera, email="Noor@Crew.Example.com")
    )
    assert response.status_code == 303
    [noor] = people_named(demo, "Noor Haddad")
    assert (noor.department_id, noor.email, noor.role) == (camera, "noor@crew.example.com", "crew")
    assert response.headers["Location"].endswith(f"/crew#person-{noor.id}")


def test_adding_a_person_with_htmx_re_renders_the_list(office, demo, iron_men):
    response = office.post(f"/p/{iron_men.production}/crew", data=new_person(), headers=HX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="people"') and "Noor Haddad" in body
    assert ">No department <" in body


def test_unknown_department_is_a_field_error_and_nothing_is_written(office, demo, iron_men, night_ferry):
    foreign = department_id(demo, night_ferry.production, "Production")
    for bad in (str(foreign), "999999"):
        response = office.post(f"/p/{iron_men.production}/crew", data=new_person(department_id=bad), headers=HX)
        assert response.status_code == 422
        assert "Choose one of the production&#39;s departments." in response.get_data(as_text=True)
    response = office.post(f"/p/{iron_men.production}/crew", data=new_person(department_id="camera"))
    assert response.status_code == 422
    assert people_named(demo, "Noor Haddad") == []


def test_email_already_on_the_production_is_a_field_error(office, demo, iron_men):
    response = office.post(
        f"/p/{iron_men.production}/crew", data=new_person(email="MARTA.KOWALSKA@crew.example.com"), headers=HX
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "marta.kowalska@crew.example.com is already on this production (Marta Kowalska)." in body
    assert 'value="Noor Haddad"' in body  # the form keeps what was typed
    assert people_named(demo, "Noor Haddad") == []


def test_cast_number_already_taken_is_a_field_error(office, demo, iron_men):
    response = office.post(f"/p/{iron_men.production}/crew", data=new_person(cast_number="3", character="RUTH II"))
    assert response.status_code == 422
    assert "Cast number 3 is already Clara Jensen." in response.get_data(as_text=True)
    assert people_named(demo, "Noor Haddad") == []


def test_bad_email_bad_cast_number_and_character_without_number_are_field_errors(office, demo, iron_men):
    cases = [
        ({"email": "noor@"}, "Enter an email address like name@example.com."),
        ({"cast_number": "-2"}, "Cast numbers run from 1 to 999."),
        ({"cast_number": "two"}, "A cast number is a whole number, like 4."),
        ({"character": "THE STRANGER"}, "Give a cast number to play a character."),
        ({"name": "  "}, "Enter a name (up to 120 characters)."),
        ({"phone": "call me maybe"}, "Use digits, spaces and + ( ) - only."),
    ]
    for changes, message in cases:
        response = office.post(f"/p/{iron_men.production}/crew", data=new_person(**changes), headers=HX)
        assert response.status_code == 422, changes
        assert message in response.get_data(as_text=True)
    assert people_named(demo, "Noor Haddad") == []


def test_editing_a_person_changes_their_details(office, demo, iron_men):
    sound = department_id(demo, iron_men.production, "Sound")
    form = new_person(
        name="Alex Crane",
        email="alex.crane@crew.example.com",
        department_id=sound,
        job_title="Boom Operator",
        share_phone="on",
        is_department_head="on",
    )
    with demo.app_context():
        alex = db.session.scalar(sa.select(Person).where(Person.name == "Alex Crane"))
    response = office.post(f"/p/{iron_men.production}/crew/{alex.id}", data=form, headers=HX)
    assert response.status_code == 200
    assert response.get_data(as_text=True).lstrip().startswith('<section id="people"')
    [alex] = people_named(demo, "Alex Crane")
    assert (alex.department_id, alex.job_title, alex.share_phone, alex.share_email, alex.is_department_head) == (
        sound,
        "Boom Operator",
        True,
        False,
        True,
    )


def test_editing_a_person_into_a_clash_keeps_everything_as_it_was(office, demo, iron_men):
    with demo.app_context():
        alex = db.session.scalar(sa.select(Person).where(Person.name == "Alex Crane"))
    form = new_person(name="Alexandra Crane", email="robin.hale@crew.example.com", cast_number="1")
    response = office.post(f"/p/{iron_men.production}/crew/{alex.id}", data=form)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "is already on this production (Robin Hale)" in body and "Cast number 1 is already Eleanor Vance." in body
    assert "<html" in body  # without JavaScript the whole page comes back with the errors
    assert people_named(demo, "Alexandra Crane") == [] and len(people_named(demo, "Alex Crane")) == 1


def test_removing_a_person_takes_them_off_the_production(office, demo, iron_men):
    response = office.post(f"/p/{iron_men.production}/crew/{iron_men.person}/remove")
    assert response.status_code == 303
    with demo.app_context():
        assert db.session.get(Person, iron_men.person) is None


def test_the_office_cannot_remove_itself_or_drop_its_own_coordinator_role(office, demo, iron_men):
    with demo.app_context():
        me = db.session.scalar(
            sa.select(Person).where(
                Person.production_id == iron_men.production, Person.email == "coordinator@example.com"
            )
        )
    response = office.post(f"/p/{iron_men.production}/crew/{me.id}/remove", headers=HX)
    assert response.status_code == 422
    assert "You cannot remove yourself" in response.get_data(as_text=True)
    form = new_person(name=me.name, email=me.email, role="crew")
    response = office.post(f"/p/{iron_men.production}/crew/{me.id}", data=form, headers=HX)
    assert response.status_code == 422
    assert "You cannot take away your own coordinator role." in response.get_data(as_text=True)
    with demo.app_context():
        assert db.session.get(Person, me.id).role == "coordinator"


def test_removing_a_cast_member_takes_them_out_of_scenes_and_calls(office, demo, iron_men):
    from app.schedule.models import PersonCall, Scene, scene_cast

    with demo.app_context():
        eleanor = db.session.scalar(sa.select(Person.id).where(Person.name == "Eleanor Vance"))
        assert db.session.query(PersonCall).filter_by(person_id=eleanor).count() > 0
    response = office.post(f"/p/{iron_men.production}/crew/{eleanor}/remove", headers=HX)
    assert response.status_code == 200 and "Eleanor Vance" not in response.get_data(as_text=True)
    with demo.app_context():
        assert db.session.query(PersonCall).filter_by(person_id=eleanor).count() == 0
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(scene_cast).where(scene_cast.c.person_id == eleanor)
            )
            == 0
        )
        assert db.session.get(Scene, iron_men.scene) is not None


def test_two_offices_saving_the_same_email_at_once_get_a_409_not_a_crash(office, demo, iron_men, monkeypatch):
    from app.crew import service

    monkeypatch.setattr(service, "_check_person", lambda *args, **kwargs: None)  # the other office won the race
    response = office.post(
        f"/p/{iron_men.production}/crew", headers=HX, data=new_person(email="marta.kowalska@crew.example.com")
    )
    assert response.status_code == 409
    assert "Someone else changed this at the same moment" in response.get_data(as_text=True)
    assert people_named(demo, "Noor Haddad") == []
