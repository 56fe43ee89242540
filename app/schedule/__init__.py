"""Productions, shoot days, locations, scenes and call times."""


def init_app(app):
    from app.schedule import models  # noqa: F401  (register tables)
    from app.schedule.routes import bp

    app.register_blueprint(bp)
