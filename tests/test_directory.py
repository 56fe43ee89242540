"""The crew directory, my profile and sharing, and the crew CSV: nobody's private number leaks."""

import csv
import io

import sqlalchemy as sa

from app.auth.models import User
from app.auth.service import hash_password
from app.crew.models import Person
from app.extensions import db
from app.seed import DEMO_PASSWORD
from callsheet_fixtures import COORDINATOR, CREW

PRIYA = "priya@example.com"


def people(film) -> list[Person]:
    with film.app.app_context():
        rows = db.session.scalars(sa.select(Person).where(Person.production_id == film.id)).all()
        db.session.expunge_all()
        return rows


def variants(number: str) -> set[str]:
    """Return the ways a number could appear in a page: as written, and in tel:/sms: links."""
    return {number, number.replace(" ", "")}


def sign_up_priya(film) -> None:
    """Give Priya Raman (UPM, phone not shared, not a head) an account on the film."""
    with film.app.app_context():
        priya = db.session.get(Person, film.priya_id)
        priya.user = User(email=PRIYA, name="Priya Raman", password_hash=hash_password(DEMO_PASSWORD))
        db.session.commit()


def edit(film, person_id: int, **values) -> None:
    with film.editing() as session:
        person = session.get(Person, person_id)
        for name, value in values.items():
            setattr(person, name, value)


def profile_form(**changes) -> dict:
    form = {
        "name": "Chris Dunmore",
        "phone": "+44 7700 900113",
        "email": "crew@example.com",
        "share_phone": "on",
        "emergency_name": "Sam Dunmore",
        "emergency_phone": "+44 7700 900999",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def test_crew_see_shared_numbers_heads_and_the_office_with_call_and_text_links(film, client, auth):
    auth.login(CREW)
    response = client.get(film.url("/directory"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="tel:+447700900103"' in html and 'href="sms:+447700900103"' in html  # Lena shares hers
    assert 'href="tel:+447700900111"' in html  # Marta heads Camera
    assert 'href="tel:+441514960000"' in html  # the production office
    assert html.index(">Production<") < html.index(">Camera<")
    assert "Unit Production Manager" in html and "Priya Raman" in html


def test_a_crew_viewer_never_receives_an_unshared_number_or_email_anywhere(film, client, auth):
    edit(film, film.priya_id, emergency_name="Ravi Raman", emergency_phone="+44 7700 900555")
    auth.login(CREW)
    html = client.get(film.url("/directory")).get_data(as_text=True)
    hidden = [p for p in people(film) if not p.share_phone and not p.is_department_head and p.id != film.chris_id]
    assert len(hidden) > 10
    for person in hidden:
        for text in variants(person.phone):
            assert text not in html, f"{person.name}'s private number leaked"
    for person in people(film):
        if person.email and not person.share_email and person.id != film.chris_id:
            assert person.email not in html, f"{person.name}'s private email leaked"
    assert "Ravi Raman" not in html and "900555" not in html


def test_sharing_from_my_phone_shows_my_number_to_the_crew_and_unsharing_hides_it(film, client, auth):
    sign_up_priya(film)
    auth.login(PRIYA)
    form = profile_form(
        name="Priya Raman",
        phone="+44 7700 900104",
        email="priya.raman@crew.example.com",
        share_phone="on",
        share_email="on",
        emergency_name="",
        emergency_phone="",
    )
    assert client.post(film.url("/me"), data=form).status_code == 303
    auth.login(CREW)
    html = client.get(film.url("/directory")).get_data(as_text=True)
    assert 'href="tel:+447700900104"' in html and 'href="mailto:priya.raman@crew.example.com"' in html
    auth.login(PRIYA)
    del form["share_phone"]
    client.post(film.url("/me"), data=form)
    auth.login(CREW)
    html = client.get(film.url("/directory")).get_data(as_text=True)
    assert "900104" not in html and "priya.raman@crew.example.com" in html


def test_sharing_is_per_production(film, client, auth):
    sign_up_priya(film)
    with film.app.app_context():
        chris, priya = db.session.get(Person, film.chris_id), db.session.get(Person, film.priya_id)
        db.session.add_all(
            [
                Person(
                    production_id=film.short_id,
                    user_id=chris.user_id,
                    name=chris.name,
                    phone="+44 7700 900113",
                    share_phone=False,
                ),
                Person(production_id=film.short_id, user_id=priya.user_id, name=priya.name),
            ]
        )
        db.session.commit()
    auth.login(PRIYA)
    assert 'href="tel:+447700900113"' in client.get(film.url("/directory")).get_data(as_text=True)
    on_short = client.get(f"/p/{film.short_id}/directory").get_data(as_text=True)
    assert "Chris Dunmore" in on_short and "900113" not in on_short


def test_coordinators_see_every_number_email_and_emergency_contact(film, client, auth):
    edit(film, film.priya_id, emergency_name="Ravi Raman", emergency_phone="+44 7700 900555")
    auth.login(COORDINATOR)
    html = client.get(film.url("/directory")).get_data(as_text=True)
    assert 'href="tel:+447700900104"' in html and 'href="mailto:priya.raman@crew.example.com"' in html
    assert "Emergency: Ravi Raman" in html and 'href="tel:+447700900555"' in html


def test_other_productions_cannot_open_the_directory(film, client, auth):
    auth.login(CREW)
    assert client.get(f"/p/{film.short_id}/directory").status_code == 404


def test_i_change_my_own_profile_and_emergency_contact(film, client, auth):
    auth.login(CREW)
    page = client.get(film.url("/me")).get_data(as_text=True)
    assert 'name="emergency_phone"' in page and "Only the production office sees this." in page
    response = client.post(film.url("/me"), data=profile_form(name="Chris 'Focus' Dunmore"))
    assert response.status_code == 303
    assert "Saved." in client.get(response.headers["Location"]).get_data(as_text=True)
    with film.app.app_context():
        chris = db.session.get(Person, film.chris_id)
        assert (chris.name, chris.emergency_name, chris.emergency_phone) == (
            "Chris 'Focus' Dunmore",
            "Sam Dunmore",
            "+44 7700 900999",
        )
        assert chris.share_phone and not chris.share_email


def test_a_bad_profile_is_refused_field_by_field_and_nothing_is_written(film, client, auth):
    auth.login(CREW)
    response = client.post(
        film.url("/me"),
        data=profile_form(name="", email="chris@", emergency_phone="call my mum"),
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.lstrip().startswith('<form id="profile"')
    assert "Enter your name" in html and "Enter an email address like name@example.com." in html
    assert "Use digits, spaces and + ( ) - only." in html
    with film.app.app_context():
        chris = db.session.get(Person, film.chris_id)
        assert chris.name == "Chris Dunmore" and chris.emergency_phone == ""


def test_my_email_cannot_be_someone_elses_on_the_production(film, client, auth):
    auth.login(CREW)
    response = client.post(film.url("/me"), data=profile_form(email="Priya.Raman@crew.example.com"))
    assert response.status_code == 422
    assert "already uses that email" in response.get_data(as_text=True)


def read_csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode("utf-8"))
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_office_downloads_the_crew_list_as_csv_for_excel(film, client, auth):
    edit(film, film.priya_id, emergency_name="Ravi Raman", emergency_phone="07700 900555")
    auth.login(COORDINATOR)
    response = client.get(film.url("/crew.csv"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="the-iron-men-crew.csv"'
    rows = read_csv(response)
    assert rows[0][:3] == ["Department", "Name", "Position"]
    priya = next(row for row in rows if row[1] == "Priya Raman")
    assert priya[0] == "Production" and priya[2] == "Unit Production Manager"
    assert "'+44 7700 900104" in priya and "Ravi Raman" in priya and "07700 900555" in priya
    assert len(rows) == 1 + len(people(film))


def test_the_csv_never_hands_a_spreadsheet_a_formula(film, client, auth):
    edit(
        film,
        film.priya_id,
        name='=HYPERLINK("http://evil.example","click")',
        job_title="@SUM(A1)",
        character="-2+3",
        emergency_name="Zoë Ødegård",
    )
    auth.login(COORDINATOR)
    rows = read_csv(client.get(film.url("/crew.csv")))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
    assert '\'=HYPERLINK("http://evil.example","click")' in cells and "'@SUM(A1)" in cells
    assert "Zoë Ødegård" in cells


def test_crew_cannot_download_the_crew_list(film, client, auth):
    auth.login(CREW)
    assert client.get(film.url("/crew.csv")).status_code == 403
