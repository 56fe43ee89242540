"""Test fixtures: a real database (SQLite in memory, or PostgreSQL from DATABASE_URL)."""

import os
import re
from datetime import date

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db

pytest_plugins = ["callsheet_fixtures"]  # the `film` fixture of the call sheet tests

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite://")
CHEAP_HASHING = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


class CallboardClient(FlaskClient):
    """A test client that sends the CSRF header on state changes, as the pages do."""

    csrf_token: str | None = None

    def fetch_csrf_token(self) -> str:
        page = self.get("/login").get_data(as_text=True)
        self.csrf_token = CSRF_INPUT.search(page).group(1)
        return self.csrf_token

    def open(self, *args, **kwargs):
        method = kwargs.get("method", "GET").upper()
        if method not in ("GET", "HEAD", "OPTIONS") and kwargs.pop("csrf", True):
            token = self.csrf_token or self.fetch_csrf_token()
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", token)
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


_fresh_schema = {"done": False}


def _reset(connection) -> None:
    """Give the test every table, empty; PostgreSQL starts each run from a fresh schema.

    A PostgreSQL database outlives runs (and tests that drop tables), so the first test of a
    run replaces the schema, and every test creates what is missing before emptying it.
    """
    postgresql = connection.dialect.name == "postgresql"
    if postgresql and not _fresh_schema["done"]:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
        _fresh_schema["done"] = True
    db.metadata.create_all(connection)
    if postgresql:
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
            "PASSWORD_HASH_PARAMS": CHEAP_HASHING,
        }
    )
    app.test_client_class = CallboardClient
    # Requests reuse an app context that is already pushed (and its g and db.session),
    # so tests push one only around their own database work.
    with app.app_context(), db.engine.begin() as connection:
        _reset(connection)
    yield app
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "sqlite":
            db.drop_all()
        db.engine.dispose()


@pytest.fixture
def threaded_app(tmp_path):
    """An app on a database that several threads can use at once (a SQLite file, or PostgreSQL)."""
    url = DATABASE_URL if DATABASE_URL.startswith("postgresql") else f"sqlite:///{tmp_path / 'threads.db'}"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_PARAMS": CHEAP_HASHING,
        }
    )
    app.test_client_class = CallboardClient
    with app.app_context():
        db.create_all()
        with db.engine.begin() as connection:
            _reset(connection)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo(app):
    """The seeded demo productions, starting today."""
    from app.seed import seed_demo

    with app.app_context():
        seed_demo(date.today())
        db.session.commit()
    return app


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email="coordinator@example.com", password="callboard-demo"):
        self._client.csrf_token = None
        response = self._client.post("/login", data={"email": email, "password": password})
        self._client.csrf_token = None  # a new session gets a new token
        return response

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
