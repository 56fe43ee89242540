"""Databases made once per test process and copied into each test's database.

Creating the schema costs about 0.1 s a test and seeding the demo about 0.3 s; copying either
costs a millisecond. On SQLite each template is an in-memory database that sqlite3's backup
API copies whole (schema, rows, ids) over the test's database. On PostgreSQL (DATABASE_URL)
the schema is made once per run and emptied per test (TRUNCATE); the first test that wants
the demo seeds it for real and its rows are kept, and later tests get the same rows inserted
back and every id sequence moved past them. (A savepoint per test does not hold there: the
app commits, and threads and the sync endpoint open their own connections; a `CREATE
DATABASE … TEMPLATE` per test costs as much as seeding.)
"""

import sqlite3
from datetime import date

import sqlalchemy as sa
from flask import Flask
from jinja2 import BytecodeCache

from app.extensions import db

_fresh_schema = {"done": False}
_schema: list[sqlite3.Connection] = []
_sqlite_demo: dict[date, sqlite3.Connection] = {}
_postgresql_demo: dict[date, list[tuple[sa.Table, list[dict]]]] = {}


class SharedBytecode(BytecodeCache):
    """Jinja's compiled templates, kept in memory for every app of the test process.

    Each test builds its own app, whose Jinja environment would compile every template it
    renders again; the bucket's checksum still catches a template whose source changed.
    """

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def _copy_sqlite(template: sqlite3.Connection, app: Flask) -> None:
    """Copy template over app's SQLite database (in memory or a file)."""
    with app.app_context():
        db.session.remove()
        raw = db.engine.raw_connection()
        try:
            template.backup(raw.driver_connection)
        finally:
            raw.close()


def _saved_sqlite(app: Flask) -> sqlite3.Connection:
    """Return an in-memory copy of app's SQLite database."""
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            raw.driver_connection.backup(copy)
        finally:
            raw.close()
    return copy


def empty_database(app: Flask) -> None:
    """Give app's database every table, empty (PostgreSQL: a fresh schema on the first test).

    A PostgreSQL database outlives runs (and tests that drop tables), so the first test of a
    run replaces the schema, and every test creates what is missing before emptying it.
    """
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "sqlite":
        if not _schema:
            engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)
            db.metadata.create_all(engine)
            with engine.connect() as connection:
                copy = sqlite3.connect(":memory:", check_same_thread=False)
                connection.connection.driver_connection.backup(copy)
            engine.dispose()
            _schema.append(copy)
        _copy_sqlite(_schema[0], app)
        return
    with app.app_context(), db.engine.begin() as connection:
        if not _fresh_schema["done"]:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
            _fresh_schema["done"] = True
        db.metadata.create_all(connection)
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def _seed(app: Flask, first_day: date) -> None:
    from app.seed import seed_demo

    with app.app_context():
        seed_demo(first_day)
        db.session.commit()


def _reload_rows(app: Flask, first_day: date) -> None:
    with app.app_context(), db.engine.begin() as connection:
        for table, rows in _postgresql_demo[first_day]:
            if rows:
                connection.execute(table.insert(), rows)
        for table in db.metadata.sorted_tables:
            keys = list(table.primary_key.columns)
            if len(keys) == 1 and isinstance(keys[0].type, sa.Integer):
                # NULL (no sequence: an id given by hand) makes setval a no-op.
                connection.execute(
                    sa.text(
                        "SELECT setval(pg_get_serial_sequence(:table, :column), "
                        f'COALESCE((SELECT MAX("{keys[0].name}") FROM "{table.name}"), 0) + 1, false)'
                    ),
                    {"table": f'"{table.name}"', "column": keys[0].name},
                )


def copy_demo(app: Flask, first_day: date) -> Flask:
    """Give app's empty database the demo productions starting first_day; return app."""
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "sqlite":
        if first_day not in _sqlite_demo:
            _seed(app, first_day)
            _sqlite_demo[first_day] = _saved_sqlite(app)
        else:
            _copy_sqlite(_sqlite_demo[first_day], app)
    elif first_day in _postgresql_demo:
        _reload_rows(app, first_day)
    else:
        _seed(app, first_day)
        with app.app_context(), db.engine.connect() as connection:
            _postgresql_demo[first_day] = [
                (table, [dict(row) for row in connection.execute(table.select()).mappings()])
                for table in db.metadata.sorted_tables
            ]
    return app
