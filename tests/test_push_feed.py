"""The in-app notifications feed and the push settings page."""

import re

import sqlalchemy as sa

from app.extensions import db
from app.push import service
from app.push.models import PushDelivery
from app.push.service import Message
from pushservice import add_crew, push_app, push_service, subscribe, worker  # noqa: F401

PASSWORD = "a-long-enough-password"
HX = {"HX-Request": "true"}


def _person_signed_in(app, client, name="Chris Dunmore", production_title="The Iron Men"):
    from app.auth.service import hash_password

    with app.app_context():
        (person,) = add_crew(name, production_title=production_title)
        person.user.password_hash = hash_password(PASSWORD)
        db.session.commit()
        email, person_id = person.user.email, person.id
    client.csrf_token = None
    client.post("/login", data={"email": email, "password": PASSWORD})
    client.csrf_token = None
    return person_id


def _tell(app, person_id, *titles):
    with app.app_context():
        ids = [
            service.enqueue([person_id], Message(title=t, body=f"{t} — details", url="/p/1/my-day"))[0].id
            for t in titles
        ]
        db.session.commit()
        return ids


def test_the_feed_shows_a_persons_notifications_newest_first_without_push(push_app, client):
    me = _person_signed_in(push_app, client)
    _tell(push_app, me, "Your call moved 07:00 → 06:30", "Revision Blue published")
    page = client.get("/notifications")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "HX-Request" in page.headers["Vary"]
    assert "2 unread" in html
    assert html.index("Revision Blue published") < html.index("Your call moved 07:00 → 06:30")
    assert 'href="/p/1/my-day"' in html
    fragment = client.get("/notifications", headers=HX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="feed">') and "<html" not in fragment


def test_reading_a_notification_marks_it_read(push_app, client):
    me = _person_signed_in(push_app, client)
    first, second = _tell(push_app, me, "Call moved", "Revision Pink published")
    fragment = client.post(f"/notifications/{first}/read", headers=HX).get_data(as_text=True)
    assert "1 unread" in fragment and "<html" not in fragment
    assert "0 unread" in client.post("/notifications/read", headers=HX).get_data(as_text=True)


def test_nobody_sees_or_marks_another_persons_notifications(push_app, client):
    with push_app.app_context():
        (other,) = add_crew("Robin Hale", production_title="Night Ferry")
        db.session.commit()
        other_id = other.id
    (theirs,) = _tell(push_app, other_id, "Robin's private call change")
    _person_signed_in(push_app, client)
    assert "Robin's private call change" not in client.get("/notifications").get_data(as_text=True)
    assert client.post(f"/notifications/{theirs}/read").status_code == 404


def test_the_feed_needs_a_signed_in_person(push_app, client):
    assert client.get("/notifications").status_code == 302
    assert client.get("/account/notifications").status_code == 302


def test_settings_list_devices_and_send_a_test_to_one_of_them(push_app, push_service, client, worker):
    me = _person_signed_in(push_app, client)
    with push_app.app_context():
        from app.crew.models import Person

        person = db.session.get(Person, me)
        phone, tablet = push_service.subscriber(), push_service.subscriber()
        phone_id = subscribe(person, phone).id
        subscribe(person, tablet)
        db.session.commit()
    page = client.get("/account/notifications").get_data(as_text=True)
    assert page.count("Send me a test") == 2 and "Safari · iPhone" in page
    assert 'data-push-state="not-installed"' in page and "Add to Home Screen" in page
    fragment = client.post(f"/push/subscriptions/{phone_id}/test", headers=HX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="devices"') and "Test sent to" in fragment
    worker.drain()
    assert [m["title"] for m in phone.messages] == ["Callboard test"] and tablet.messages == []
    assert "Callboard test" in client.get("/notifications").get_data(as_text=True)


def test_removing_a_device_from_settings(push_app, push_service, client):
    me = _person_signed_in(push_app, client)
    with push_app.app_context():
        from app.crew.models import Person

        device_id = subscribe(db.session.get(Person, me), push_service.subscriber()).id
        db.session.commit()
    fragment = client.post(f"/push/subscriptions/{device_id}/remove", headers=HX).get_data(as_text=True)
    assert "Device removed" in fragment and "No device gets push alerts yet" in fragment
    with push_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushDelivery)) == 0


def test_choosing_only_my_changes_per_production(push_app, client):
    me = _person_signed_in(push_app, client)
    response = client.post(
        "/account/notifications/preferences",
        headers=HX,
        data={"person_id": me, "revisions": "mine", "csrf_token": client.csrf_token or ""},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Saved." in html
    assert re.search(r'value="mine"\s+checked', html)
    bad = client.post("/account/notifications/preferences", data={"person_id": me, "revisions": "loud"})
    assert bad.status_code == 422 and "Choose all revisions or only my changes." in bad.get_data(as_text=True)
    with push_app.app_context():
        (stranger,) = add_crew("Omar Haddad", production_title="Night Ferry")
        db.session.commit()
        stranger_id = stranger.id
    assert (
        client.post(
            "/account/notifications/preferences", data={"person_id": stranger_id, "revisions": "mine"}
        ).status_code
        == 404
    )
