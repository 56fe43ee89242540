"""Signed-in devices: seeing them, ending them, and the office ending a lost phone's session."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.devices import describe_device, time_ago
from app.auth.models import DeviceSession, Invite, User
from app.crew.models import Person
from app.extensions import db
from app.timeutil import utcnow

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
IPAD_FIREFOX = (
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "FxiOS/125.0 Mobile/15E148 Safari/605.1.15"
)
WINDOWS_EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51"
)
SAMSUNG = (
    "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36"
)


def signed_in_client(app, email="crew@example.com", user_agent=IPHONE):
    client = app.test_client()
    response = client.post(
        "/login", data={"email": email, "password": "callboard-demo"}, headers={"User-Agent": user_agent}
    )
    assert response.status_code == 302
    client.csrf_token = None
    return client


def device_ids(app, email="crew@example.com"):
    with app.app_context():
        return db.session.scalars(
            sa.select(DeviceSession.id).join(User).where(User.email == email).order_by(DeviceSession.id)
        ).all()


@pytest.mark.parametrize(
    "user_agent,words",
    [
        (IPHONE, "Safari on iPhone"),
        (ANDROID, "Chrome on Android"),
        (IPAD_FIREFOX, "Firefox on iPad"),
        (WINDOWS_EDGE, "Edge on Windows"),
        (SAMSUNG, "Samsung Internet on Android"),
        ("curl/8.5.0", "Unknown browser"),
        ("", "Unknown browser"),
    ],
)
def test_a_device_is_described_in_plain_words(user_agent, words):
    assert describe_device(user_agent) == words


def test_last_seen_reads_like_speech():
    now = utcnow()
    assert time_ago(now - timedelta(seconds=30), now) == "just now"
    assert time_ago(now - timedelta(minutes=12), now) == "12 minutes ago"
    assert time_ago(now - timedelta(hours=1, minutes=5), now) == "1 hour ago"
    assert time_ago(now - timedelta(hours=5), now) == "5 hours ago"
    assert time_ago(now - timedelta(hours=30), now) == "yesterday"
    assert time_ago(now - timedelta(days=9), now) == "9 days ago"


def test_my_devices_page_lists_each_device_and_marks_this_one(demo):
    signed_in_client(demo, user_agent=ANDROID)
    phone = signed_in_client(demo, user_agent=IPHONE)
    page = phone.get("/account/sessions").get_data(as_text=True)
    assert "Safari on iPhone" in page and "Chrome on Android" in page
    assert page.count("This device") == 1
    assert page.index("This device") > page.index("Safari on iPhone")
    assert "Last seen just now" in page


def test_my_devices_page_shows_no_one_elses_devices(demo):
    signed_in_client(demo, "coordinator@example.com", user_agent=WINDOWS_EDGE)
    page = signed_in_client(demo).get("/account/sessions").get_data(as_text=True)
    assert "Edge on Windows" not in page


def test_an_ended_session_is_signed_out_on_its_next_request(demo):
    tablet = signed_in_client(demo, user_agent=ANDROID)
    phone = signed_in_client(demo, user_agent=IPHONE)
    tablet_id = device_ids(demo)[0]
    assert phone.post(f"/account/sessions/{tablet_id}/end").status_code == 302
    response = tablet.get("/account/sessions")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert phone.get("/account/sessions").status_code == 200


def test_ending_someone_elses_session_is_404_and_ends_nothing(demo):
    signed_in_client(demo, "coordinator@example.com")
    coordinator_device = device_ids(demo, "coordinator@example.com")[0]
    crew = signed_in_client(demo)
    assert crew.post(f"/account/sessions/{coordinator_device}/end").status_code == 404
    assert device_ids(demo, "coordinator@example.com") == [coordinator_device]


def test_ending_this_device_signs_me_out(demo):
    phone = signed_in_client(demo)
    response = phone.post(f"/account/sessions/{device_ids(demo)[0]}/end")
    assert response.headers["Location"] == "/login"
    assert device_ids(demo) == []
    assert phone.get("/").status_code == 302


def test_ending_a_session_with_htmx_swaps_the_device_list(demo):
    signed_in_client(demo, user_agent=ANDROID)
    phone = signed_in_client(demo, user_agent=IPHONE)
    response = phone.post(f"/account/sessions/{device_ids(demo)[0]}/end", headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<section id="devices"') and "<html" not in fragment
    assert "That device is signed out." in fragment and "Chrome on Android" not in fragment
    assert response.headers["Vary"].startswith("HX-Request")


def test_ending_other_sessions_keeps_only_this_device(demo):
    other = signed_in_client(demo, user_agent=ANDROID)
    signed_in_client(demo, user_agent=WINDOWS_EDGE)
    phone = signed_in_client(demo, user_agent=IPHONE)
    this_device = device_ids(demo)[-1]
    response = phone.post("/account/sessions/end-others", headers={"HX-Request": "true"})
    assert "Signed out on 2 other devices." in response.get_data(as_text=True)
    assert device_ids(demo) == [this_device]
    assert other.get("/account/sessions").status_code == 302


def test_an_htmx_request_from_an_ended_session_reloads_the_sign_in_page(demo):
    phone = signed_in_client(demo)
    with demo.app_context():
        db.session.execute(sa.delete(DeviceSession))
        db.session.commit()
    response = phone.get(
        "/account/sessions", headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/p/1/my-day?tab=calls"}
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=/p/1/my-day?tab%3Dcalls"


def test_a_session_idle_for_longer_than_the_limit_is_ended(demo):
    phone = signed_in_client(demo)
    with demo.app_context():
        db.session.execute(sa.update(DeviceSession).values(last_seen_at=utcnow() - timedelta(days=31)))
        db.session.commit()
    assert phone.get("/account/sessions").status_code == 302
    assert device_ids(demo) == []


def test_last_seen_is_touched_at_most_every_five_minutes(demo):
    phone = signed_in_client(demo)
    long_ago = utcnow() - timedelta(hours=2)
    with demo.app_context():
        db.session.execute(sa.update(DeviceSession).values(last_seen_at=long_ago))
        db.session.commit()
    phone.get("/account/sessions")
    with demo.app_context():
        seen = db.session.scalar(sa.select(DeviceSession.last_seen_at))
    assert seen.replace(tzinfo=None) > (utcnow() - timedelta(minutes=1)).replace(tzinfo=None)


# The production office ends every session of a member (a lost phone)


def crew_member_id(app):
    with app.app_context():
        return db.session.scalar(sa.select(Person.id).join(User).where(User.email == "crew@example.com"))


def test_the_office_signs_a_lost_phone_out(demo):
    phone = signed_in_client(demo)
    office = signed_in_client(demo, "coordinator@example.com", user_agent=WINDOWS_EDGE)
    person_id = crew_member_id(demo)
    response = office.post(f"/p/1/people/{person_id}/sessions/end", headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    assert "Chris Dunmore is signed out on 1 device." in fragment
    assert phone.get("/p/1/my-day").status_code == 302
    assert office.get("/p/1/").status_code == 200


def test_signing_a_member_out_everywhere_also_cancels_their_unused_invites(demo):
    office = signed_in_client(demo, "coordinator@example.com")
    person_id = crew_member_id(demo)
    office.post(f"/p/1/people/{person_id}/invite")
    office.post(f"/p/1/people/{person_id}/sessions/end")
    with demo.app_context():
        invite = db.session.scalar(sa.select(Invite))
        assert invite.expires_at.replace(tzinfo=None) <= utcnow().replace(tzinfo=None)


def test_crew_cannot_sign_a_colleague_out(demo):
    signed_in_client(demo, "coordinator@example.com")
    crew = signed_in_client(demo)
    with demo.app_context():
        coordinator_id = db.session.scalar(
            sa.select(Person.id).where(Person.production_id == 1, Person.role == "coordinator")
        )
    assert crew.post(f"/p/1/people/{coordinator_id}/sessions/end").status_code == 403
    assert len(device_ids(demo, "coordinator@example.com")) == 1


def test_a_coordinator_cannot_sign_out_a_member_of_another_production(demo):
    phone = signed_in_client(demo)
    with demo.app_context():
        outsider = User(
            email="outsider@example.com",
            name="Outsider",
            password_hash=db.session.scalar(sa.select(User.password_hash).limit(1)),
        )
        db.session.add(outsider)
        night_ferry = db.session.scalar(sa.select(Person).where(Person.production_id == 2, Person.user_id.is_(None)))
        night_ferry.user, night_ferry.role = outsider, "coordinator"
        db.session.commit()
    other_office = signed_in_client(demo, "outsider@example.com")
    person_id = crew_member_id(demo)
    assert other_office.post(f"/p/1/people/{person_id}/sessions/end").status_code == 404
    assert other_office.post(f"/p/2/people/{person_id}/sessions/end").status_code == 404
    assert phone.get("/p/1/my-day").status_code == 200
