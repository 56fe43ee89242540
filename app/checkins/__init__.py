"""Arrivals and wraps, running-late updates and the live today board; its offline operations."""


def init_app(app):
    from app import sync
    from app.checkins import (
        models,  # noqa: F401  (register tables)
        routes,
        service,
    )
    from app.checkins.board import my_status
    from app.checkins.odd_times import phone_times
    from app.checkins.schemas import DayPayload, RunningLatePayload
    from app.checkins.wraps import recorded_wraps
    from app.schedule.rest import wraps_recorded_by

    app.register_blueprint(routes.bp)
    app.jinja_env.globals["checkin_status"] = my_status
    app.jinja_env.globals["checkin_times"] = phone_times
    wraps_recorded_by(app, recorded_wraps)
    sync.register("check_in", service.check_in, DayPayload)
    sync.register("check_out", service.check_out, DayPayload)
    sync.register("running_late", service.running_late, RunningLatePayload)
    sync.register_pages(routes.boards_to_keep)
