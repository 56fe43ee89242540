"""No input makes the server fall over: bounded ids, printable names, escaped feeds, shallow JSON, busy SQLite."""

import sqlite3
from datetime import date

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from marshmallow import Schema, ValidationError

from app import create_app
from app.bounds import MAX_ID, form_id, printable, printable_lines
from app.crew.models import Person
from app.extensions import db
from app.schedule.models import Production
from app.seed import seed_demo
from app.web import nests_deeper_than
from conftest import CHEAP_HASHING, CallboardClient

HUGE = (2**31, 2**63, 10**20)


def _production_id(app):
    with app.app_context():
        return db.session.scalar(sa.select(Production.id).order_by(Production.id))


def _person_id(app, production_id):
    with app.app_context():
        return db.session.scalar(sa.select(Person.id).where(Person.production_id == production_id).order_by(Person.id))


@pytest.mark.parametrize("huge", HUGE)
def test_an_id_past_the_database_range_in_a_url_segment_is_a_404(demo, client, auth, huge):
    auth.login()
    production_id = _production_id(demo)
    assert client.get(f"/p/{huge}/crew").status_code == 404
    assert client.post(f"/p/{production_id}/crew/{huge}").status_code == 404
    assert client.post(f"/notifications/{huge}/read").status_code == 404
    assert client.post(f"/push/subscriptions/{huge}/remove").status_code == 404
    assert client.get(f"/p/{production_id}/crew/{MAX_ID}").status_code == 405  # in range: routed


@pytest.mark.parametrize("huge", HUGE)
def test_an_id_past_the_database_range_in_the_query_string_is_a_404(demo, client, auth, huge):
    auth.login()
    production_id = _production_id(demo)
    for path in (f"/p/{production_id}/crew?edit={huge}", f"/p/{production_id}/locations?edit={huge}"):
        assert client.get(path).status_code == 404


@pytest.mark.parametrize("junk", ["abc", "²", "-1", "1.5"])
def test_a_query_string_id_that_is_not_a_number_is_a_400_with_a_message(demo, client, auth, junk):
    auth.login()
    response = client.get(f"/p/{_production_id(demo)}/crew", query_string={"edit": junk})
    assert response.status_code == 400
    assert "?edit= takes a number." in response.get_data(as_text=True)


def test_a_blank_query_string_id_is_no_id(demo, client, auth):
    auth.login()
    assert client.get(f"/p/{_production_id(demo)}/crew?edit=").status_code == 200


class _Picked(Schema):
    department_id = form_id("Choose one of the production's departments.", allow_none=True)


@pytest.mark.parametrize("value", [str(2**63), "99999999999999999999", "0", "-1", "x", "9" * 5000])
def test_a_form_id_out_of_range_is_a_field_error_a_person_understands(value):
    with pytest.raises(ValidationError) as error:
        _Picked().load({"department_id": value})
    assert error.value.messages == {"department_id": ["Choose one of the production's departments."]}
    assert _Picked().load({"department_id": str(MAX_ID)}) == {"department_id": MAX_ID}


def test_a_person_added_with_a_huge_department_id_gets_a_field_error(demo, client, auth):
    auth.login()
    response = client.post(f"/p/{_production_id(demo)}/crew", data={"name": "Ana Lucas", "department_id": str(2**63)})
    assert response.status_code == 422
    assert "Choose one of the production&#39;s departments." in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["Ana\r\nLucas", "Ana\nLucas", "Ana\x1bLucas", "Ana\x0bLucas", "Ana\u2028Lucas"])
def test_control_characters_in_a_name_are_refused_at_input(demo, client, auth, name):
    auth.login()
    response = client.post(f"/p/{_production_id(demo)}/crew", data={"name": name})
    assert response.status_code == 422
    assert "Write it on one line, without control characters." in response.get_data(as_text=True)


def test_a_production_title_with_a_line_break_is_refused(demo, client, auth):
    auth.login()
    production_id = _production_id(demo)
    response = client.post(
        f"/p/{production_id}/settings", data={"title": "The Iron Men\r\nX-INJECTED:1", "timezone": "Europe/London"}
    )
    assert response.status_code == 422
    assert "Write it on one line" in response.get_data(as_text=True)


def test_printable_text_keeps_every_visible_script_and_notes_keep_their_lines():
    for ok in ("Zoë Ñúñez", "山田 太郎", "Ana\u3000Lucas", "Grip 🎬"):
        assert printable(ok) == ok
    assert printable_lines("Park on the left.\r\nGate code\t1234") == "Park on the left.\r\nGate code\t1234"
    with pytest.raises(ValidationError):
        printable_lines("Gate\x00code")


def test_a_feed_survives_a_title_and_name_with_line_breaks_already_stored(demo, client, auth):
    auth.login()
    production_id = _production_id(demo)
    assert client.post(f"/p/{production_id}/me/calendar").status_code == 303
    with demo.app_context():
        production = db.session.get(Production, production_id)
        # PostgreSQL text cannot hold NUL at all, so only SQLite can have stored one.
        nul = "\x00" if db.engine.dialect.name == "sqlite" else ""
        production.title = "The Iron Men\r\nX-INJECTED:1;," + nul
        me = db.session.scalar(
            sa.select(Person).where(Person.production_id == production_id, Person.calendar_token.is_not(None))
        )
        me.name = "Dana\nWhitfield"
        token = me.calendar_token
        db.session.commit()
    response = demo.test_client().get(f"/cal/{token}.ics")
    assert response.status_code == 200
    body = response.get_data()
    assert b"X-INJECTED" not in body.split(b"X-WR-CALNAME")[0]
    assert not any(line.startswith(b"X-INJECTED") for line in body.split(b"\r\n"))
    calendar = Calendar.from_ical(body)
    assert str(calendar["x-wr-calname"]).startswith("The Iron Men")
    assert b"\x00" not in body


def test_json_nesting_is_measured_outside_strings():
    assert not nests_deeper_than(b'{"a": [1, {"b": "[[[[[[", "c": "\\"]]"}]}', 3)
    assert nests_deeper_than(b'{"a": [1, {"b": [[]]}]}', 3)
    assert nests_deeper_than(b"[" * 2000 + b"]" * 2000, 20)
    assert nests_deeper_than(b"[" * 2000, 20)  # never closed: the parser would still recurse
    assert not nests_deeper_than(b"", 20)


def test_deeply_nested_json_on_the_push_endpoints_is_a_400_with_a_message(demo, client, auth):
    auth.login()
    deep = "[" * 2000 + "]" * 2000
    for method in (client.post, client.delete):
        response = method("/push/subscriptions", data=deep, content_type="application/json")
        assert response.status_code == 400
        assert response.get_json()["message"] == (
            "The JSON nests more than 20 levels deep, or its brackets do not match."
        )


def test_the_busy_timeout_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLBOARD_SQLITE_BUSY_TIMEOUT_MS", "1234")
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'busy.db'}"}
    )
    with app.app_context():
        assert db.session.execute(sa.text("PRAGMA busy_timeout")).scalar() == 1234
        db.engine.dispose()


@pytest.fixture
def locked_app(tmp_path):
    """A demo app on a SQLite file whose writers give up after 20 ms (SQLite in every run, the
    PostgreSQL one included: its write lock is what a second connection can hold)."""
    path = tmp_path / "locked.db"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SQLITE_BUSY_TIMEOUT_MS": 20,
            "PASSWORD_HASH_PARAMS": CHEAP_HASHING,
        }
    )
    app.test_client_class = CallboardClient
    with app.app_context():
        db.create_all()
        seed_demo(date.today())
        db.session.commit()
    app.db_path = path
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_save_during_another_writers_lock_is_a_503_with_retry_after(locked_app):
    client = locked_app.test_client()
    client.csrf_token = None
    assert (
        client.post("/login", data={"email": "coordinator@example.com", "password": "callboard-demo"}).status_code
        == 302
    )
    client.csrf_token = None
    production_id = _production_id(locked_app)
    holder = sqlite3.connect(locked_app.db_path, timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        page = client.post(f"/p/{production_id}/crew", data={"name": "Ana Lucas"})
        assert page.status_code == 503
        assert page.headers["Retry-After"] == "2"
        assert "busy saving other changes" in page.get_data(as_text=True)
        api = client.post("/push/subscriptions", json={"endpoint": "x"}, headers={"Accept": "application/json"})
        assert api.status_code in (400, 503)  # refused before or at the write, never a 500
        if api.status_code == 503:
            assert api.get_json()["message"].startswith("Callboard is busy")
    finally:
        holder.rollback()
        holder.close()
    assert client.post(f"/p/{production_id}/crew", data={"name": "Ana Lucas"}).status_code == 303
    with locked_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Person).where(Person.name == "Ana Lucas")) == 1


def test_a_json_client_gets_the_503_as_json(locked_app):
    client = locked_app.test_client()
    client.csrf_token = None
    client.post("/login", data={"email": "coordinator@example.com", "password": "callboard-demo"})
    client.csrf_token = None
    production_id = _production_id(locked_app)
    holder = sqlite3.connect(locked_app.db_path, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = client.post(
            f"/p/{production_id}/crew", data={"name": "Ana Lucas"}, headers={"Accept": "application/json"}
        )
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.get_json() == {
        "message": "Callboard is busy saving other changes. Try again in a moment.",
        "errors": {},
    }


@pytest.mark.parametrize("limit", ["0001-01-01", "9999-12-31"])
def test_a_shoot_day_at_the_calendars_limits_is_refused_and_every_page_still_shows(demo, client, auth, limit):
    auth.login()
    production_id = _production_id(demo)
    response = client.post(f"/p/{production_id}/days", data={"date": limit, "general_call": "23:00"})
    assert response.status_code == 422
    assert "Choose a date between 1900 and 2999." in response.get_data(as_text=True)
    assert client.post(f"/p/{production_id}/me/calendar").status_code == 303
    with demo.app_context():
        token = db.session.scalar(
            sa.select(Person.calendar_token).where(
                Person.production_id == production_id, Person.calendar_token.is_not(None)
            )
        )
    for path in (f"/p/{production_id}/", f"/p/{production_id}/my-day", f"/cal/{token}.ics"):
        assert client.get(path).status_code == 200


def test_postgresql_conflicts_count_as_contention_and_other_errors_do_not():
    from sqlalchemy.exc import OperationalError

    from app.web import _is_contention

    class PgError(Exception):
        def __init__(self, sqlstate):
            super().__init__("conflict")
            self.sqlstate = sqlstate

    for sqlstate in ("40001", "40P01", "55P03"):
        assert _is_contention(OperationalError("UPDATE …", {}, PgError(sqlstate)))
    assert not _is_contention(OperationalError("SELECT 1", {}, PgError("08006")))  # connection failure
    assert not _is_contention(OperationalError("SELECT 1", {}, Exception("no such table: people")))


def test_nul_is_refused_at_the_door_in_path_query_and_form(demo, client, auth):
    auth.login()
    production_id = _production_id(demo)
    assert client.get("/cal/abc%00def.ics").status_code == 404
    assert client.get("/invite/abc%00def").status_code == 404
    response = client.get(f"/p/{production_id}/documents/", query_string={"q": "call\x00sheet"})
    assert response.status_code == 400
    assert "Remove the NUL character" in response.get_data(as_text=True)
    assert client.post(f"/p/{production_id}/crew", data={"name": "Ana", "job_title": "Grip\x00"}).status_code == 400
