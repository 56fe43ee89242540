"""People, departments, contacts and privacy."""


def init_app(app):
    from app.crew import models  # noqa: F401  (register tables)
