"""Arrivals and wraps, running-late updates, the live today board and the sync endpoint."""


def init_app(app):
    from app.checkins import models  # noqa: F401  (register tables)
    from app.checkins import api, routes
    from app.checkins.board import my_status
    from app.checkins.wraps import recorded_wraps
    from app.schedule.rest import wraps_recorded_by
    from app.timeutil import utcnow

    app.register_blueprint(api.bp)
    app.register_blueprint(routes.bp)
    app.jinja_env.globals["checkin_status"] = my_status
    wraps_recorded_by(app, recorded_wraps)
    app.jinja_env.globals["new_op_id"] = routes.new_op_id
    app.jinja_env.globals["utc_now_iso"] = lambda: utcnow().isoformat()
