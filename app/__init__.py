"""Callboard: call sheets for film and TV crews that work with no signal."""

import os

from flask import Flask

from app import bounds, web
from app.config import load_config
from app.extensions import compress, csrf, db, htmx, init_sqlite, migrate


def create_app(config: dict | None = None) -> Flask:
    """Build the application; tests pass a config dict to override defaults."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.environ.get("CALLBOARD_INSTANCE_PATH") or None,
        template_folder="../templates",
        static_folder="../static",
    )
    load_config(app, config)
    bounds.install(app)  # before any route: every <int:...> is a bounded id

    db.init_app(app)
    init_sqlite(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    htmx.init_app(app)
    csrf.init_app(app)
    compress.init_app(app)
    web.init_app(app)

    from app import auth, callsheets, checkins, crew, directory, documents, mail, offline, push, schedule, seed, sync

    for package in (auth, mail, sync, crew, schedule, callsheets, checkins, documents, offline, push, directory):
        package.init_app(app)
    seed.init_app(app)
    return app
