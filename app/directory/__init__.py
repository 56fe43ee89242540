"""The crew directory, each person's own profile and sharing, the crew CSV and calendar feeds."""


def init_app(app):
    from app.directory.feeds import bp as feeds
    from app.directory.routes import bp

    app.register_blueprint(bp)
    app.register_blueprint(feeds)
