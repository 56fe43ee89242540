"""Subscribing a device: the endpoint is untrusted input; VAPID keys; rotation."""

import base64
import os
import stat

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.push import check_subject, keys
from app.push.models import PushSubscription
from pushservice import add_crew, b64url, browser_keys, push_app, push_service  # noqa: F401

PASSWORD = "a-long-enough-password"


def _sign_in(app, client, name="Chris Dunmore"):
    from app.auth.service import hash_password

    with app.app_context():
        (person,) = add_crew(name)
        person.user.password_hash = hash_password(PASSWORD)
        db.session.commit()
        email, user_id = person.user.email, person.user_id
    client.csrf_token = None
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    client.csrf_token = None
    return user_id


def _body(endpoint, p256dh=None, auth=None):
    _, default_p256dh, default_auth = browser_keys()
    return {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": p256dh or default_p256dh, "auth": auth or default_auth},
    }


def _stored(app):
    with app.app_context():
        return db.session.scalars(sa.select(PushSubscription)).all()


def test_a_browser_subscription_is_stored_with_a_device_label(push_app, client):
    user_id = _sign_in(push_app, client)
    body = _body("https://fcm.googleapis.com/fcm/send/dGVzdA:APA91b")
    response = client.post(
        "/push/subscriptions",
        json=body,
        headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36"},
    )
    assert response.status_code == 201
    assert response.json["device"] == "Chrome · Android"
    client.post("/push/subscriptions", json=body)  # the page subscribes again on every visit
    (stored,) = _stored(push_app)
    assert (stored.user_id, stored.endpoint) == (user_id, body["endpoint"])


def test_several_devices_per_person(push_app, client):
    _sign_in(push_app, client)
    for endpoint in (
        "https://fcm.googleapis.com/fcm/send/phone",
        "https://web.push.apple.com/QGx-tablet",
        "https://updates.push.services.mozilla.com/wpush/v2/laptop",
    ):
        assert client.post("/push/subscriptions", json=_body(endpoint)).status_code == 201
    assert len(_stored(push_app)) == 3


@pytest.mark.parametrize(
    "endpoint, message",
    [
        ("http://127.0.0.1/push", "is not a push service"),
        ("https://169.254.169.254/latest/meta-data", "is not a push service"),
        ("https://fcm.googleapis.com.evil.test/fcm/send/x", "is not a push service"),
        ("https://user@fcm.googleapis.com/fcm/send/x", "user name or password"),
        ("https://user:pw@fcm.googleapis.com/fcm/send/x", "user name or password"),
        ("https://fcm.googleapis.com:8443/fcm/send/x", "is not a push service"),
        ("http://fcm.googleapis.com/fcm/send/x", "is not a push service"),
        ("https://push.apple.com/x", "is not a push service"),
        ("https://localhost/x", "is not a push service"),
        ("https://fcm.googleapis.com\\@evil.test/x", "characters a URL may not have"),
        ("https://fcm.googleapis.com/x#frag", "fragment"),
        ("https://fcm.googleapis.com:99999/x", "invalid port"),
        ("file:///etc/passwd", "must be an https URL"),
        ("https://fcm.googleapis.com/" + "x" * 1000, "Longer than maximum length"),
    ],
)
def test_endpoints_off_the_allow_list_are_refused(push_app, client, endpoint, message):
    _sign_in(push_app, client)
    response = client.post("/push/subscriptions", json=_body(endpoint))
    assert response.status_code == 400
    assert message in response.json["message"] and "endpoint" in response.json["errors"]
    assert _stored(push_app) == []


def _point(first_byte=4, length=65):
    _, p256dh, _ = browser_keys()
    raw = base64.urlsafe_b64decode(p256dh + "=")
    return b64url(bytes([first_byte]) + raw[1:length])


@pytest.mark.parametrize(
    "p256dh, auth, message",
    [
        (_point(length=64), None, "must be 65 bytes, not 64"),
        (b64url(b"\x04" + os.urandom(64)), None, "not a point on P-256"),
        (b64url(b"\x02" + os.urandom(64)), None, "uncompressed P-256 point"),
        (None, b64url(os.urandom(15)), "must be 16 bytes, not 15"),
        (None, b64url(os.urandom(17)), "must be 16 bytes, not 17"),
        ("not base64!", None, "must be base64url"),
        (None, "!!", "must be base64url"),
    ],
)
def test_keys_of_the_wrong_shape_are_refused(push_app, client, p256dh, auth, message):
    _sign_in(push_app, client)
    response = client.post("/push/subscriptions", json=_body("https://fcm.googleapis.com/fcm/send/x", p256dh, auth))
    assert response.status_code == 400
    assert message in response.json["message"]
    assert _stored(push_app) == []


def test_subscribing_needs_the_csrf_header_and_a_signed_in_person(push_app, client):
    body = _body("https://fcm.googleapis.com/fcm/send/x")
    assert client.post("/push/subscriptions", json=body).status_code == 302  # to /login
    _sign_in(push_app, client)
    assert client.post("/push/subscriptions", json=body, csrf=False).status_code == 400
    assert _stored(push_app) == []


def test_the_allow_list_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("PUSH_ALLOWED_ORIGINS", "https://*.push.apple.com, http://127.0.0.1:8765")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        from app.push.subscriptions import InvalidSubscription, checked_endpoint

        assert checked_endpoint("http://127.0.0.1:8765/push/1")
        assert checked_endpoint("https://web.push.apple.com/x")
        with pytest.raises(InvalidSubscription):
            checked_endpoint("https://fcm.googleapis.com/fcm/send/x")  # not listed any more
        with pytest.raises(InvalidSubscription):
            checked_endpoint("http://127.0.0.1:8766/push/1")


def test_a_loopback_push_service_is_refused_by_default(app):
    with app.app_context():
        from app.push.subscriptions import InvalidSubscription, checked_endpoint

        with pytest.raises(InvalidSubscription):
            checked_endpoint("http://127.0.0.1:8765/push/1")


def test_the_public_key_is_served_as_an_uncompressed_p256_point(push_app, client):
    _sign_in(push_app, client)
    response = client.get("/push/key")
    key = response.json["publicKey"]
    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(raw) == 65 and raw[0] == 4 and "=" not in key
    assert response.headers["Cache-Control"] == "no-cache"


def test_keys_are_generated_once_into_a_private_file(app, tmp_path):
    app.config.update(VAPID_PRIVATE_KEY=None, VAPID_KEY_FILE=str(tmp_path / "instance" / "vapid.pem"))
    with app.app_context():
        first = keys.public_key()
        path = tmp_path / "instance" / "vapid.pem"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        app.extensions.pop("push_vapid")
        assert keys.public_key() == first  # read back, not generated again


def test_rotating_keys_makes_devices_subscribe_again(app, tmp_path):
    app.config.update(VAPID_PRIVATE_KEY=None, VAPID_KEY_FILE=str(tmp_path / "vapid.pem"))
    with app.app_context():
        from app.push import subscriptions

        (person,) = add_crew("Chris Dunmore")
        old_key = keys.public_key()
        _, p256dh, auth = browser_keys()
        user_id = person.user_id
        device = subscriptions.subscribe(user_id, "https://fcm.googleapis.com/fcm/send/x", p256dh, auth)
        db.session.commit()
        assert not subscriptions.needs_resubscribe(device)
    result = app.test_cli_runner().invoke(args=["push", "rotate-keys"], catch_exceptions=False)
    assert "1 device subscription(s) were made with the old key" in result.output
    with app.app_context():
        from app.push import subscriptions

        assert keys.public_key() != old_key
        device = db.session.scalar(sa.select(PushSubscription))
        assert subscriptions.needs_resubscribe(device)
        with pytest.raises(subscriptions.KeyRotated):
            subscriptions.subscribe(user_id, device.endpoint, p256dh, auth, key_used=old_key)
        subscriptions.subscribe(user_id, device.endpoint, p256dh, auth, key_used=keys.public_key())
        assert not subscriptions.needs_resubscribe(device)


def test_keys_from_the_environment_are_not_rotated_by_the_command(push_app):
    result = push_app.test_cli_runner().invoke(args=["push", "rotate-keys"])
    assert result.exit_code != 0 and "set new VAPID_PRIVATE_KEY" in result.output


def test_the_vapid_subject_is_a_real_looking_mailto():
    from app.push import DEFAULT_SUBJECT

    assert DEFAULT_SUBJECT == "mailto:production-office@callboard.example.com"
    check_subject(DEFAULT_SUBJECT)
    for refused in ("mailto:admin@localhost", "production-office@example.com", "http://example.com"):
        with pytest.raises(ValueError):
            check_subject(refused)


def test_the_page_forgets_its_own_device_by_endpoint(push_app, client):
    _sign_in(push_app, client)
    body = _body("https://fcm.googleapis.com/fcm/send/x")
    client.post("/push/subscriptions", json=body)
    assert client.delete("/push/subscriptions", json={"endpoint": body["endpoint"]}).status_code == 204
    assert _stored(push_app) == []
    assert client.delete("/push/subscriptions", json={"endpoint": body["endpoint"]}).status_code == 404


def test_nobody_removes_another_persons_device(push_app, client):
    with push_app.app_context():
        from app.push import subscriptions

        (other,) = add_crew("Robin Hale", production_title="Night Ferry")
        _, p256dh, auth = browser_keys()
        device_id = subscriptions.subscribe(other.user_id, "https://fcm.googleapis.com/fcm/send/r", p256dh, auth).id
        db.session.commit()
    _sign_in(push_app, client)
    assert client.post(f"/push/subscriptions/{device_id}/remove").status_code == 404
    assert client.delete(f"/push/subscriptions/{device_id}").status_code == 404
    assert client.post(f"/push/subscriptions/{device_id}/test").status_code == 404
    assert len(_stored(push_app)) == 1
