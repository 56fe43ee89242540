"""Accounts that only their owner controls (issue 9), each rule written as the attack on it."""

import re

import sqlalchemy as sa

from app.auth.models import DeviceSession, User
from app.auth.service import hash_password
from app.crew.models import Person
from app.extensions import db
from app.push.models import PushSubscription
from pushservice import browser_keys, configure_push

DEMO_PASSWORD = "callboard-demo"
VICTIM = "victim@example.com"
VICTIM_PASSWORD = "the victim's own password"
INVITE_PATH = re.compile(r'value="http://localhost(/invite/[^"]+)"')


def signed_in(app, email="crew@example.com", password=DEMO_PASSWORD):
    """Return a new browser signed in as email."""
    browser = app.test_client()
    assert browser.post("/login", data={"email": email, "password": password}).status_code == 302
    browser.csrf_token = None  # signing in gives the browser a new session and token
    return browser


def sessions_of(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(DeviceSession.id)).join(User).where(User.email == email))


def person_of(app, email, production_id):
    with app.app_context():
        return db.session.scalar(
            sa.select(Person.id).join(User).where(User.email == email, Person.production_id == production_id)
        )


def add_victim(app):
    """Put a crew member with an account and a password on The Iron Men; return their person id."""
    with app.app_context():
        user = User(email=VICTIM, name="Vic Tim", password_hash=hash_password(VICTIM_PASSWORD))
        person = Person(production_id=1, name="Vic Tim", email=VICTIM, user=user)
        db.session.add(person)
        db.session.commit()
        return person.id


def link_chris_to_night_ferry(app, role="crew"):
    """Make Chris (crew on The Iron Men) also a member of Night Ferry, as Rhys's row."""
    with app.app_context():
        rhys = db.session.scalar(sa.select(Person).where(Person.name == "Rhys Evans"))
        chris = db.session.scalar(sa.select(User).where(User.email == "crew@example.com"))
        rhys.email, rhys.user, rhys.role = chris.email, chris, role
        db.session.commit()
        return rhys.id


# Invites open only accounts that have never had a password


def test_an_invite_from_a_strangers_production_does_not_take_over_an_account_removed_from_everything(demo):
    victim_person = add_victim(demo)
    victim = signed_in(demo, VICTIM, VICTIM_PASSWORD)
    office = signed_in(demo, "coordinator@example.com")
    assert office.post(f"/p/1/crew/{victim_person}/remove").status_code == 303  # their only production
    # Any signed-in person can start a production and put the victim's email on its crew list.
    attacker = signed_in(demo, "crew@example.com")
    created = attacker.post("/productions/new", data={"title": "Heist", "timezone": "Europe/London"})
    production_id = int(re.search(r"/p/(\d+)/", created.headers["Location"]).group(1))
    assert attacker.post(f"/p/{production_id}/crew", data={"name": "Vic", "email": VICTIM}).status_code == 303
    invited = _person_by_email(demo, VICTIM, production_id)
    card = attacker.post(f"/p/{production_id}/people/{invited}/invite").get_data(as_text=True)
    path = INVITE_PATH.search(card).group(1)
    for browser in (demo.test_client(), attacker):  # anonymous, then as themselves
        page = browser.get(path).get_data(as_text=True)
        assert "Sign in on this device" not in page and "You already have a Callboard account" in page
        browser.csrf_token = None
        assert browser.post(path).status_code == 409
    assert sessions_of(demo, VICTIM) == 0  # and the victim's own session ended at removal
    assert victim.get("/").status_code == 302
    assert demo.test_client().post("/login", data={"email": VICTIM, "password": VICTIM_PASSWORD}).status_code == 302


def _person_by_email(app, email, production_id):
    with app.app_context():
        return db.session.scalar(
            sa.select(Person.id).where(Person.email == email, Person.production_id == production_id)
        )


def test_an_invite_never_opens_a_passwordless_account_that_reaches_another_production(demo):
    # Tom joined The Iron Men from his invite and has not chosen a password yet.
    office = signed_in(demo, "coordinator@example.com")
    tom = _person_by_email(demo, "tom.keller@crew.example.com", 1)
    tom_phone = demo.test_client()
    assert tom_phone.post(_invite_path(office, 1, tom)).status_code == 302
    attacker = signed_in(demo, "crew@example.com")
    created = attacker.post("/productions/new", data={"title": "Heist", "timezone": "Europe/London"})
    production_id = int(re.search(r"/p/(\d+)/", created.headers["Location"]).group(1))
    attacker.post(f"/p/{production_id}/crew", data={"name": "Tom", "email": "tom.keller@crew.example.com"})
    path = _invite_path(attacker, production_id, _person_by_email(demo, "tom.keller@crew.example.com", production_id))
    browser = demo.test_client()
    assert "without a password yet" in browser.get(path).get_data(as_text=True)
    assert browser.post(path).status_code == 409
    assert browser.get("/p/1/my-day").status_code == 302
    assert sessions_of(demo, "tom.keller@crew.example.com") == 1  # only his own phone


def _invite_path(office, production_id, person_id):
    card = office.post(f"/p/{production_id}/people/{person_id}/invite").get_data(as_text=True)
    return INVITE_PATH.search(card).group(1)


def test_a_brand_new_person_is_still_signed_in_by_their_invite(demo):
    office = signed_in(demo, "coordinator@example.com")
    card = office.post(f"/p/1/people/{_person_by_email(demo, 'tom.keller@crew.example.com', 1)}/invite")
    path = INVITE_PATH.search(card.get_data(as_text=True)).group(1)
    phone = demo.test_client()
    assert phone.post(path).headers["Location"] == "/account/password"
    phone.csrf_token = None
    assert "Current password" not in phone.get("/account/password").get_data(as_text=True)
    assert phone.post("/account/password", data={"password": "brass monkeys at dawn"}).status_code == 302


# The current password is waived only for a first-time invite of a passwordless account


def test_a_session_accepting_an_invite_to_its_own_account_still_needs_the_current_password(demo):
    with demo.app_context():
        rhys = db.session.scalar(sa.select(Person).where(Person.name == "Rhys Evans"))
        rhys.email = "crew@example.com"
        db.session.commit()
    office = signed_in(demo, "coordinator@example.com")
    card = office.post(f"/p/2/people/{_person_by_email(demo, 'crew@example.com', 2)}/invite")
    path = INVITE_PATH.search(card.get_data(as_text=True)).group(1)
    borrowed_phone = signed_in(demo, "crew@example.com")  # someone holding Chris's unlocked phone
    assert borrowed_phone.post(path).status_code == 302
    page = borrowed_phone.get("/account/password").get_data(as_text=True)
    assert "Current password" in page and "Welcome" not in page
    response = borrowed_phone.post("/account/password", data={"password": "now it is mine, all mine"})
    assert response.status_code == 422
    assert "That is not your current password." in response.get_data(as_text=True)
    signed_in(demo, "crew@example.com", DEMO_PASSWORD)  # the old password still works


# Sessions end with what they stood for


def test_changing_a_password_signs_out_every_other_device(demo):
    phone = signed_in(demo)
    laptop = signed_in(demo)
    response = laptop.post(
        "/account/password", data={"password": "a brand new password", "current_password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert phone.get("/p/1/my-day").status_code == 302  # to the sign-in page
    assert laptop.get("/p/1/my-day").status_code == 200
    assert sessions_of(demo, "crew@example.com") == 1


def test_the_current_password_check_is_throttled_like_sign_in(demo):
    before = _password_hash(demo)
    thief = signed_in(demo)
    for _ in range(5):
        wrong = thief.post("/account/password", data={"password": "a brand new password", "current_password": "guess"})
        assert wrong.status_code == 422
    throttled = thief.post(
        "/account/password", data={"password": "a brand new password", "current_password": DEMO_PASSWORD}
    )
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    assert "Wait" in throttled.get_data(as_text=True)
    # The same counter guards the sign-in page: guesses here use up the account's attempts.
    elsewhere = demo.test_client().post("/login", data={"email": "crew@example.com", "password": DEMO_PASSWORD})
    assert elsewhere.status_code == 429
    assert _password_hash(demo) == before


def _password_hash(app, email="crew@example.com"):
    with app.app_context():
        return db.session.scalar(sa.select(User.password_hash).where(User.email == email))


def test_removing_a_person_cuts_their_sessions_off_that_production_at_once(demo):
    link_chris_to_night_ferry(demo)
    phone = signed_in(demo)
    assert phone.get("/p/1/my-day").status_code == 200
    office = signed_in(demo, "coordinator@example.com")
    assert office.post(f"/p/1/crew/{person_of(demo, 'crew@example.com', 1)}/remove").status_code == 303
    assert phone.get("/p/1/my-day").status_code == 404
    assert phone.get("/p/1/directory").status_code == 404
    assert phone.get("/p/2/my-day").status_code == 200  # still on Night Ferry: still signed in


def test_removing_someone_from_their_last_production_ends_their_sessions(demo):
    phone, laptop = signed_in(demo), signed_in(demo)
    office = signed_in(demo, "coordinator@example.com")
    assert office.post(f"/p/1/crew/{person_of(demo, 'crew@example.com', 1)}/remove").status_code == 303
    assert sessions_of(demo, "crew@example.com") == 0
    assert phone.get("/").status_code == laptop.get("/").status_code == 302
    assert office.get("/p/1/").status_code == 200


# The production office's "sign out everywhere"


def test_sign_out_everywhere_does_not_reach_someone_who_runs_another_productions_office(demo):
    link_chris_to_night_ferry(demo, role="coordinator")
    phone = signed_in(demo)
    office = signed_in(demo, "coordinator@example.com")
    response = office.post(
        f"/p/1/people/{person_of(demo, 'crew@example.com', 1)}/sessions/end", headers={"HX-Request": "true"}
    )
    card = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "also runs another production's office" in card and "Ask Chris Dunmore" in card
    assert phone.get("/p/2/my-day").status_code == 200
    assert sessions_of(demo, "crew@example.com") == 1


def test_sign_out_everywhere_still_signs_out_a_crew_member_who_is_crew_elsewhere(demo):
    link_chris_to_night_ferry(demo, role="crew")
    phone = signed_in(demo)
    office = signed_in(demo, "coordinator@example.com")
    response = office.post(f"/p/1/people/{person_of(demo, 'crew@example.com', 1)}/sessions/end")
    assert "is signed out on 1 device" in response.get_data(as_text=True)
    assert phone.get("/p/2/my-day").status_code == 302


# Push subscriptions are not moved to whoever posts their endpoint


def _subscription(endpoint):
    _, p256dh, auth = browser_keys()
    return {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}


def _owner(app, endpoint):
    with app.app_context():
        return db.session.scalar(
            sa.select(User.email).join(PushSubscription).where(PushSubscription.endpoint == endpoint)
        )


def test_an_endpoint_of_someone_still_signed_in_with_it_is_refused_409(demo):
    configure_push(demo)
    endpoint = "https://fcm.googleapis.com/fcm/send/chris-phone"
    phone = signed_in(demo)
    assert phone.post("/push/subscriptions", json=_subscription(endpoint)).status_code == 201
    other = signed_in(demo, "coordinator@example.com")
    response = other.post("/push/subscriptions", json=_subscription(endpoint))
    assert response.status_code == 409 and "endpoint" in response.json["errors"]
    assert _owner(demo, endpoint) == "crew@example.com"


def test_a_shared_tablet_subscription_moves_to_whoever_signs_in_after_the_owner_signed_out(demo):
    configure_push(demo)
    endpoint = "https://fcm.googleapis.com/fcm/send/shared-tablet"
    tablet = signed_in(demo)
    signed_in(demo)  # Chris is still signed in on his phone
    assert tablet.post("/push/subscriptions", json=_subscription(endpoint)).status_code == 201
    tablet.post("/logout")
    tablet.csrf_token = None
    assert (
        tablet.post("/login", data={"email": "coordinator@example.com", "password": DEMO_PASSWORD}).status_code == 302
    )
    tablet.csrf_token = None
    assert tablet.post("/push/subscriptions", json=_subscription(endpoint)).status_code == 201
    assert _owner(demo, endpoint) == "coordinator@example.com"


# A phone number made private stops showing at once, on sheets already published


LENA_PHONE = "+44 7700 900103"  # 2nd AD: shares her number, not a head of department


def test_a_number_made_private_disappears_from_published_call_sheets_and_my_day(demo):
    from app.callsheets.models import CallSheetRevision

    with demo.app_context():
        revision_id = db.session.scalar(sa.select(CallSheetRevision.id).where(CallSheetRevision.production_id == 1))
    chris = signed_in(demo)
    pages = ("/p/1/my-day", f"/p/1/revisions/{revision_id}", "/p/1/directory")
    assert all(LENA_PHONE in chris.get(page).get_data(as_text=True) for page in pages)
    # Lena joins from her invite and stops sharing her number.
    office = signed_in(demo, "coordinator@example.com")
    card = office.post(f"/p/1/people/{_person_by_email(demo, 'lena.brandt@crew.example.com', 1)}/invite")
    lena = demo.test_client()
    assert lena.post(INVITE_PATH.search(card.get_data(as_text=True)).group(1)).status_code == 302
    lena.csrf_token = None
    assert lena.post("/p/1/me", data={"name": "Lena Brandt", "phone": LENA_PHONE}).status_code == 303
    for page in pages:
        assert LENA_PHONE not in chris.get(page).get_data(as_text=True), page
    assert LENA_PHONE in office.get(f"/p/1/revisions/{revision_id}").get_data(as_text=True)
    with demo.app_context():  # the frozen revision keeps the number for the office's record
        content = db.session.get(CallSheetRevision, revision_id).content
    assert any(c["phone"] == LENA_PHONE for c in content["contacts"])
