"""Sign-in, sign-out, password hashing and sign-in throttling."""

import os
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import create_app
from app.auth import service
from app.auth.models import DeviceSession, LoginAttempt, User
from app.extensions import db
from app.timeutil import utcnow

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite://")
CHEAP_HASHING = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}  # as in conftest


def sign_in(client, email="crew@example.com", password="callboard-demo", ip="10.0.0.1", **kwargs):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip}, **kwargs
    )


def age_attempts(app, seconds: int) -> None:
    """Pretend every counted failure happened `seconds` ago."""
    with app.app_context():
        db.session.execute(sa.update(LoginAttempt).values(at=utcnow() - timedelta(seconds=seconds)))
        db.session.commit()


def test_coordinator_with_two_productions_lands_on_the_switcher(demo, client, auth):
    response = auth.login()
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "The Iron Men" in page and "Night Ferry" in page


def test_crew_member_lands_on_my_day(demo, client, auth):
    auth.login("crew@example.com")
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/my-day")


def test_signing_in_with_the_fields_the_browser_sends_works(demo, client):
    token = client.fetch_csrf_token()
    response = client.post(
        "/login",
        data={"csrf_token": token, "email": "Crew@Example.com ", "password": "callboard-demo", "next": ""},
        csrf=False,
    )
    assert response.status_code == 302


def test_wrong_password_is_a_field_level_422(demo, client, auth):
    response = auth.login(password="nope")
    assert response.status_code == 422
    assert "do not match" in response.get_data(as_text=True)


def test_missing_email_is_a_field_level_422_and_counts_no_attempt(demo, client):
    response = client.post("/login", data={"email": "", "password": "x"})
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="err-email"' in response.get_data(as_text=True)
    with demo.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) == 0


def test_sign_out_ends_the_device_session_on_the_server(demo, client, auth):
    auth.login()
    with demo.app_context():
        assert db.session.query(DeviceSession).count() == 1
    auth.logout()
    with demo.app_context():
        assert db.session.query(DeviceSession).count() == 0
    assert client.get("/").status_code == 302


def test_sign_in_gives_the_browser_a_new_session_cookie(demo, client):
    client.get("/login")
    before = client.get_cookie("session").value
    sign_in(client)
    assert client.get_cookie("session").value != before


def test_next_only_leads_within_the_site(demo, client):
    for target, landing in (
        ("/account/sessions", "/account/sessions"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
    ):
        client.post("/logout")
        client.csrf_token = None
        response = client.post(
            "/login", data={"email": "crew@example.com", "password": "callboard-demo", "next": target}
        )
        assert response.headers["Location"] == landing


def test_htmx_sign_in_moves_the_whole_page(demo, client):
    response = sign_in(client, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/"


def test_pages_loaded_together_right_after_sign_in_share_one_csrf_token(demo, client):
    """The first page and the service worker's first fetches arrive together after sign-in:
    each carries the sign-in cookie, and whichever cookie the browser keeps last, the token in
    the page still matches it."""
    import re

    assert sign_in(client).status_code == 302
    signed_in = client.get_cookie("session").value
    page = client.get("/account/notifications").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": ?"([^"]+)"', page).group(1)
    client.set_cookie("session", signed_in)  # the service worker's request, sent at the same moment
    client.get("/account/sessions")  # its answer's cookie is the one the browser keeps
    response = client.post("/logout", headers={"X-CSRFToken": token}, csrf=False)
    assert response.status_code == 302


def test_state_change_without_csrf_token_is_refused(demo, client):
    response = client.post("/login", data={"email": "crew@example.com", "password": "callboard-demo"}, csrf=False)
    assert response.status_code == 400


# Passwords


def test_a_stored_password_is_argon2id_at_the_owasp_minimum_under_the_default_config():
    default = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with default.app_context():
        db.create_all()
        user = User(email="new@example.com", name="New")
        db.session.add(user)
        service.change_password(user, "a long enough password", None, None, "127.0.0.1", keep_session_id=None)
        db.session.commit()
        stored = db.session.scalar(sa.select(User.password_hash).where(User.email == "new@example.com"))
        db.session.remove()
        db.engine.dispose()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_hash_made_with_old_parameters_is_upgraded_at_sign_in(demo, client):
    demo.config["PASSWORD_HASH_PARAMS"] = {**CHEAP_HASHING, "time_cost": 2}
    sign_in(client)
    with demo.app_context():
        stored = db.session.scalar(sa.select(User.password_hash).where(User.email == "crew@example.com"))
    assert ",t=2," in stored


# Throttling: five failures a minute per account and per address, counted in the database


def test_the_sixth_failed_attempt_on_an_account_is_429_whatever_the_address(demo, client):
    for attempt in range(5):
        assert sign_in(client, password="wrong", ip=f"10.0.1.{attempt}").status_code == 422
    response = sign_in(client, password="wrong", ip="10.0.1.99")
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_the_sixth_failed_attempt_from_an_address_is_429_whatever_the_account(demo, client):
    for attempt in range(5):
        assert sign_in(client, email=f"guess{attempt}@example.com", password="wrong").status_code == 422
    response = sign_in(client, email="someone.else@example.com", password="wrong")
    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_throttled_sign_in_is_refused_before_any_password_is_hashed(demo, client, monkeypatch):
    for _ in range(5):
        sign_in(client, password="wrong")

    def no_hashing():
        raise AssertionError("hashed a password while throttled")

    monkeypatch.setattr(service, "_hasher", no_hashing)
    assert sign_in(client).status_code == 429  # even the right password


def test_retry_after_counts_down_from_the_oldest_counted_failure(demo, client):
    for _ in range(5):
        sign_in(client, password="wrong")
    age_attempts(demo, 20)
    response = sign_in(client, password="wrong")
    assert int(response.headers["Retry-After"]) in (39, 40)


def test_retry_after_is_the_time_until_the_key_has_an_attempt_free(app):
    start = utcnow()
    with app.app_context():
        db.session.add_all(
            [LoginAttempt(key="email:a@example.com", at=start + timedelta(seconds=10 * i)) for i in range(6)]
        )
        db.session.flush()
        with pytest.raises(service.Throttled) as throttled:
            service.check_throttle(["email:a@example.com"], now=start + timedelta(seconds=55))
        service.check_throttle(["email:a@example.com"], now=start + timedelta(seconds=71))
    # Of the failures at 0, 10, …, 50 s, the one at 10 s must leave the window (at 70 s).
    assert throttled.value.retry_after == 15


def test_the_throttled_sign_in_page_says_how_long_to_wait(demo, client):
    for _ in range(5):
        sign_in(client, password="wrong")
    response = sign_in(client, password="wrong")
    page = response.get_data(as_text=True)
    seconds = response.headers["Retry-After"]
    assert f'<p class="alert" role="alert">Too many failed sign-in attempts. Wait {seconds} seconds' in page
    assert 'value="crew@example.com"' in page
    assert response.headers["Cache-Control"] == "no-store"


def test_signing_in_works_again_once_the_minute_has_passed(demo, client):
    for _ in range(5):
        sign_in(client, password="wrong")
    assert sign_in(client).status_code == 429
    age_attempts(demo, 61)
    assert sign_in(client).status_code == 302


def test_a_successful_sign_in_clears_the_account_counter_but_not_the_address(demo, client):
    for _ in range(4):
        sign_in(client, password="wrong")
    assert sign_in(client).status_code == 302
    with demo.app_context():
        keys = db.session.scalars(sa.select(LoginAttempt.key)).all()
    assert keys == ["ip:10.0.0.1"] * 4


@pytest.fixture
def shared_database_app(app, tmp_path):
    """An app whose database takes several connections at once, like gunicorn workers do."""
    if not DATABASE_URL.startswith("sqlite"):
        yield app
        return
    shared = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "PASSWORD_HASH_PARAMS": CHEAP_HASHING,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'workers.sqlite3'}",
        }
    )
    with shared.app_context():
        db.create_all()
    yield shared
    with shared.app_context():
        db.engine.dispose()


def test_concurrent_failed_attempts_never_get_past_the_limit(shared_database_app):
    app = shared_database_app
    with app.app_context():
        db.session.add(User(email="lead@example.com", name="Lead", password_hash=service.hash_password("right")))
        db.session.commit()
    start, outcomes = threading.Barrier(10), []

    def worker():
        start.wait()
        with app.app_context():
            try:
                service.authenticate("lead@example.com", "wrong", "10.0.0.7")
                db.session.commit()
                outcomes.append("failed")
            except service.Throttled:
                db.session.rollback()
                outcomes.append("throttled")

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["failed"] * 5 + ["throttled"] * 5
