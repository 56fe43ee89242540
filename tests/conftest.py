"""Test fixtures: a real database (SQLite in memory, or PostgreSQL from DATABASE_URL)."""

import atexit
import os
import re
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db
from template_databases import SharedBytecode, copy_demo, empty_database

pytest_plugins = ["callsheet_fixtures"]  # the `film` fixture of the call sheet tests


def _database_of_this_worker(url: str) -> str:
    """Return url, or under pytest-xdist on PostgreSQL a database of this worker's own (made once).

    Each test process replaces the schema of its database on its first test and empties it on
    every test, so parallel workers must not share one.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith("postgresql"):
        return url
    given = sa.engine.make_url(url)
    own = given.set(database=f"{given.database}_{worker}")
    engine = sa.create_engine(given, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        if (
            connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database})
            is None
        ):
            connection.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


DATABASE_URL = _database_of_this_worker(os.environ.get("DATABASE_URL", "sqlite://"))
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


_compiled_templates = SharedBytecode()


def build_app(database_url: str, instance: Path) -> Flask:
    """Return the app on database_url, keeping its keys and documents in instance."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CALLBOARD_INSTANCE_PATH", str(instance))
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test-secret",
                "SQLALCHEMY_DATABASE_URI": database_url,
                "PASSWORD_HASH_PARAMS": CHEAP_HASHING,
            }
        )
    app.test_client_class = CallboardClient
    app.jinja_env.bytecode_cache = _compiled_templates
    return app


def pytest_configure(config):
    """Apps built outside the fixtures (even while collecting) keep keys and documents out of the checkout."""
    # Removed at exit (a pytest-xdist worker never runs pytest_unconfigure).
    instance = tempfile.mkdtemp(prefix="callboard-instance-")
    atexit.register(shutil.rmtree, instance, ignore_errors=True)
    config.callboard_instance = os.environ.get("CALLBOARD_INSTANCE_PATH")
    os.environ["CALLBOARD_INSTANCE_PATH"] = instance


def pytest_unconfigure(config):
    before = config.callboard_instance
    if before is None:
        os.environ.pop("CALLBOARD_INSTANCE_PATH", None)
    else:
        os.environ["CALLBOARD_INSTANCE_PATH"] = before


@pytest.fixture
def app(tmp_path):
    app = build_app(DATABASE_URL, tmp_path / "instance")
    # Requests reuse an app context that is already pushed (and its g and db.session),
    # so tests push one only around their own database work.
    empty_database(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # an in-memory SQLite database goes with its connection


@pytest.fixture
def threaded_app(tmp_path):
    """An app on a database that several threads can use at once (a SQLite file, or PostgreSQL)."""
    url = DATABASE_URL if DATABASE_URL.startswith("postgresql") else f"sqlite:///{tmp_path / 'threads.db'}"
    app = build_app(url, tmp_path / "instance")
    empty_database(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo(app):
    """The seeded demo productions, starting today (seeded once per run, copied per test)."""
    return copy_demo(app, date.today())


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
