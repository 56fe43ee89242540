"""Flask extensions, created unbound and wired in create_app."""

import sqlalchemy as sa
from flask_compress import Compress
from flask_htmx import HTMX
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
htmx = HTMX()
csrf = CSRFProtect()
compress = Compress()


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """Make SQLite durable and strict: WAL, synchronous=FULL, foreign keys (busy timeout: init_sqlite)."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def init_sqlite(app) -> None:
    """Give the app's SQLite connections its busy timeout (SQLITE_BUSY_TIMEOUT_MS).

    A writer waits this long for another's write lock before "database is locked", which the
    app answers with 503 + Retry-After (app.web); engines made elsewhere keep sqlite3's 5 s.
    """
    timeout_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])

    def busy_timeout(dbapi_connection, _record):
        if type(dbapi_connection).__module__ == "sqlite3":
            dbapi_connection.execute(f"PRAGMA busy_timeout={timeout_ms:d}")

    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                sa.event.listen(engine, "connect", busy_timeout)
