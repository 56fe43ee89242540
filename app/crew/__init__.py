"""People, departments, contacts and privacy."""


def init_app(app):
    from app import sync
    from app.crew import (
        models,  # noqa: F401  (register tables)
        routes_import,  # noqa: F401  (registers on the crew blueprint)
    )
    from app.crew.membership import memberships_by_production
    from app.crew.routes import bp
    from app.crew.routes_access import bp as access_bp
    from app.crew.routes_onboarding import bp as onboarding_bp
    from app.crew.schemas import format_offset

    app.register_blueprint(bp)
    app.register_blueprint(access_bp)
    app.register_blueprint(onboarding_bp)
    app.jinja_env.filters["offset"] = format_offset
    sync.register_members(memberships_by_production)  # who acts on which production, for queued operations
