"""Invite links: single use, expiring, shown as a link and a QR code; they sign a device in."""

import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.auth import invites
from app.auth.models import DeviceSession, Invite, User
from app.crew.models import Person
from app.extensions import db
from app.timeutil import utcnow

INVITE_URL = re.compile(r'value="(http://localhost(/invite/[^"]+))"')


def signed_in_client(app, email="coordinator@example.com"):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": "callboard-demo"}).status_code == 302
    client.csrf_token = None
    return client


def person_id(app, name, production_id=1):
    with app.app_context():
        return db.session.scalar(sa.select(Person.id).where(Person.name == name, Person.production_id == production_id))


def issue_invite(app, name="Tom Keller", production_id=1) -> str:
    """Have the coordinator issue an invite and return the link's path."""
    office = signed_in_client(app)
    response = office.post(f"/p/{production_id}/people/{person_id(app, name, production_id)}/invite")
    assert response.status_code == 200
    return INVITE_URL.search(response.get_data(as_text=True)).group(2)


def open_and_accept(app, path, client=None):
    """Open the link on a phone and tap the button; return the phone and the answer."""
    phone = client or app.test_client()
    assert phone.get(path).status_code == 200
    response = phone.post(path)
    phone.csrf_token = None  # signing in gives the browser a new session and token
    return phone, response


@pytest.fixture
def office(demo):
    return signed_in_client(demo)


def test_the_office_gets_a_link_and_a_qr_code_for_a_person(demo, office):
    response = office.post(f"/p/1/people/{person_id(demo, 'Tom Keller')}/invite")
    page = response.get_data(as_text=True)
    link = INVITE_URL.search(page).group(1)
    assert re.fullmatch(r"http://localhost/invite/[A-Za-z0-9_-]{32}", link)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'class="qr"' in svg and "viewBox" in svg
    assert "style" not in svg  # the strict CSP forbids inline styles
    assert "works once and expires" in page
    assert response.headers["Cache-Control"] == "no-store"


def test_the_invite_card_swaps_in_place_for_htmx(demo, office):
    pid = person_id(demo, "Tom Keller")
    response = office.post(f"/p/1/people/{pid}/invite", headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True).strip()
    assert fragment.startswith(f'<section class="card access" id="access-{pid}"')
    assert "<html" not in fragment and fragment.endswith("</section>")
    assert f'hx-target="#access-{pid}"' in fragment


def test_crew_cannot_issue_invites(demo):
    crew = signed_in_client(demo, "crew@example.com")
    assert crew.post(f"/p/1/people/{person_id(demo, 'Tom Keller')}/invite").status_code == 403


def test_an_invite_for_another_productions_person_is_404(demo, office):
    night_ferry_person = person_id(demo, "Rhys Evans", production_id=2)
    assert office.post(f"/p/1/people/{night_ferry_person}/invite").status_code == 404
    with demo.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Invite.id))) == 0


def test_opening_the_link_only_shows_a_button(demo):
    path = issue_invite(demo)
    page = demo.test_client().get(path)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Sign in on this device" in text and "Tom Keller" in text
    assert page.headers["Cache-Control"] == "no-store"
    with demo.app_context():  # link previews in chat apps must not use the link up
        assert db.session.scalar(sa.select(Invite.used_at)) is None
        assert db.session.scalar(sa.select(sa.func.count(DeviceSession.id))) == 1  # the office


def test_accepting_signs_this_device_in_and_creates_the_account(demo):
    path = issue_invite(demo)
    phone, response = open_and_accept(demo, path)
    assert response.headers["Location"] == "/account/password"
    with demo.app_context():
        person = db.session.get(Person, person_id(demo, "Tom Keller"))
        assert person.user.email == "tom.keller@crew.example.com"
        assert person.user.password_hash is None
        assert (
            db.session.scalar(sa.select(sa.func.count(DeviceSession.id)).where(DeviceSession.user_id == person.user_id))
            == 1
        )
    assert phone.get("/").headers["Location"] == "/p/1/my-day"


def test_after_the_invite_the_person_chooses_a_password_without_an_old_one(demo):
    phone, _ = open_and_accept(demo, issue_invite(demo))
    page = phone.get("/account/password").get_data(as_text=True)
    assert "Welcome, Tom Keller" in page and "Current password" not in page
    short = phone.post("/account/password", data={"password": "too short"})
    assert short.status_code == 422
    assert "Use at least 10 characters" in short.get_data(as_text=True)
    assert phone.post("/account/password", data={"password": "brass monkeys at dawn"}).status_code == 302
    laptop = demo.test_client()
    response = laptop.post("/login", data={"email": "tom.keller@crew.example.com", "password": "brass monkeys at dawn"})
    assert response.status_code == 302


def test_changing_a_password_later_needs_the_current_one(demo):
    crew = signed_in_client(demo, "crew@example.com")
    response = crew.post("/account/password", data={"password": "a brand new password"})
    assert response.status_code == 422
    assert "That is not your current password." in response.get_data(as_text=True)
    response = crew.post(
        "/account/password", data={"password": "a brand new password", "current_password": "callboard-demo"}
    )
    assert response.status_code == 302


def test_a_used_link_says_ask_the_office_for_a_new_one(demo):
    path = issue_invite(demo)
    open_and_accept(demo, path)
    for method in ("get", "post"):
        response = getattr(demo.test_client(), method)(path)
        text = response.get_data(as_text=True)
        assert response.status_code == 410
        assert "Ask the production office for a new one." in text
        assert "+44 151 496 0000" in text  # the office's number, to tap


def test_an_expired_link_is_410(demo):
    path = issue_invite(demo)
    with demo.app_context():
        db.session.execute(sa.update(Invite).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = demo.test_client().get(path)
    assert response.status_code == 410
    assert "expired or was already used" in response.get_data(as_text=True)


def test_an_unknown_link_is_404_with_the_same_advice(demo):
    response = demo.test_client().get("/invite/not-a-real-token")
    assert response.status_code == 404
    assert "Ask the production office for a new one." in response.get_data(as_text=True)


def test_a_new_invite_retires_the_previous_link(demo):
    first = issue_invite(demo)
    second = issue_invite(demo)
    assert demo.test_client().get(first).status_code == 410
    assert demo.test_client().get(second).status_code == 200


def test_an_invite_is_used_only_once_even_when_tapped_twice(demo):
    path = issue_invite(demo)
    token = path.rsplit("/", 1)[1]
    with demo.app_context():
        invites.accept_invite(token)
        with pytest.raises(invites.InviteInvalid) as second:
            invites.accept_invite(token)
        assert second.value.status == 410


def give_rhys_the_email_of_chris(app):
    """Put Chris (crew on The Iron Men) on Night Ferry's list, as Rhys's row with Chris's email."""
    with app.app_context():
        rhys = db.session.scalar(sa.select(Person).where(Person.name == "Rhys Evans"))
        rhys.email = "crew@example.com"
        db.session.commit()


def test_an_invite_never_signs_into_an_account_that_reaches_other_productions(demo):
    # Night Ferry's office knows Chris's email. Inviting "him" and opening the link itself
    # must not give it his account, which also reaches The Iron Men.
    give_rhys_the_email_of_chris(demo)
    path = issue_invite(demo, "Rhys Evans", production_id=2)
    intruder = demo.test_client()
    page = intruder.get(path).get_data(as_text=True)
    assert "You already have a Callboard account" in page and "Sign in on this device" not in page
    response = intruder.post(path)
    assert response.status_code == 409
    assert intruder.get("/").status_code == 302  # still anonymous
    with demo.app_context():
        assert db.session.scalar(sa.select(Person.user_id).where(Person.name == "Rhys Evans")) is None
        assert db.session.scalar(sa.select(Invite.used_at)) is None


def test_an_existing_account_joins_after_signing_in_with_its_password(demo):
    give_rhys_the_email_of_chris(demo)
    path = issue_invite(demo, "Rhys Evans", production_id=2)
    chris = signed_in_client(demo, "crew@example.com")
    _, response = open_and_accept(demo, path, client=chris)
    assert response.status_code == 302
    with demo.app_context():
        chris_id = db.session.scalar(sa.select(User.id).where(User.email == "crew@example.com"))
        assert db.session.scalar(sa.select(Person.user_id).where(Person.name == "Rhys Evans")) == chris_id


def test_accepting_on_a_device_signed_in_as_someone_else_switches_account(demo):
    path = issue_invite(demo)
    shared_tablet = signed_in_client(demo, "crew@example.com")
    _, response = open_and_accept(demo, path, client=shared_tablet)
    assert response.status_code == 302
    with demo.app_context():
        crew_devices = db.session.scalar(
            sa.select(sa.func.count(DeviceSession.id)).join(User).where(User.email == "crew@example.com")
        )
    assert crew_devices == 0
    assert "Welcome, Tom Keller" in shared_tablet.get("/account/password").get_data(as_text=True)


def test_a_person_without_an_email_gives_one_when_choosing_a_password(demo):
    with demo.app_context():
        db.session.execute(sa.update(Person).where(Person.name == "Tom Keller").values(email=None))
        db.session.commit()
    phone, _ = open_and_accept(demo, issue_invite(demo))
    response = phone.post("/account/password", data={"password": "brass monkeys at dawn"})
    assert response.status_code == 422
    assert "Enter the email address you will sign in with." in response.get_data(as_text=True)
    taken = phone.post("/account/password", data={"password": "brass monkeys at dawn", "email": "crew@example.com"})
    assert "already has an account" in taken.get_data(as_text=True)
    response = phone.post("/account/password", data={"password": "brass monkeys at dawn", "email": "Tom@Example.com"})
    assert response.status_code == 302
    laptop = demo.test_client()
    assert (
        laptop.post("/login", data={"email": "tom@example.com", "password": "brass monkeys at dawn"}).status_code == 302
    )


def test_a_re_invite_of_a_member_with_a_password_asks_for_that_password(demo):
    # An invite is no way around a password that exists (issue 9): whoever runs an office
    # could otherwise reset anyone's. See tests/test_account_lifecycle.py for the attack.
    path = issue_invite(demo, "Chris Dunmore")  # on no other production
    phone = demo.test_client()
    assert "You already have a Callboard account" in phone.get(path).get_data(as_text=True)
    assert phone.post(path).status_code == 409
    assert phone.get("/").status_code == 302  # still anonymous


def test_an_account_already_on_the_production_under_another_name_is_not_linked_twice(demo):
    with demo.app_context():
        tom = db.session.scalar(sa.select(Person).where(Person.name == "Tom Keller"))
        tom.email = "Crew@Example.com"  # Chris already has a row on The Iron Men
        db.session.commit()
    path = issue_invite(demo)
    chris = signed_in_client(demo, "crew@example.com")
    _, response = open_and_accept(demo, path, client=chris)
    assert response.status_code == 409
    assert "already on this production" in response.get_data(as_text=True)


def test_the_share_link_script_passes_its_node_tests():
    script_tests = Path(__file__).parent / "js" / "share-link.test.mjs"
    result = subprocess.run(["node", "--test", str(script_tests)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
