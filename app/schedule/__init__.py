"""Productions, shoot days, locations, scenes and call times."""


def init_app(app):
    from app import sync
    from app.crew.schemas import format_rest
    from app.schedule import (  # noqa: F401
        models,  # noqa: F401  (register tables)
        routes_days,
        routes_departments,
        routes_locations,
        routes_scenes,
    )
    from app.schedule.routes import bp
    from app.schedule.schemas import COMMON_ZONES, DayEditPayload, format_pages
    from app.schedule.sync_ops import update_field

    app.register_blueprint(bp)
    app.jinja_env.filters["pages"] = format_pages
    app.jinja_env.filters["rest_hours"] = format_rest
    app.jinja_env.globals["common_zones"] = COMMON_ZONES
    sync.register("update_field", update_field, DayEditPayload)
