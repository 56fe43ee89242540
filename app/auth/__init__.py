"""Accounts, sessions, invites, memberships and permissions."""

from flask_wtf.csrf import CSRFError


def _csrf_failed(error: CSRFError):
    """Refuse a state change without a valid CSRF token; htmx reloads the page for a fresh one."""
    from app.web import htmx_request, render

    message = "This page was open too long or came from elsewhere. Reload it and try again."
    body, status, headers = render("error.html", status=400, code=400, message=message)
    if htmx_request():
        # An htmx page whose session changed (signed in again in another tab) would otherwise
        # fail silently: 4xx answers are not swapped.
        headers = {**headers, "HX-Refresh": "true"}
    return body, status, headers


def init_app(app):
    from app.auth import (  # noqa: F401  (register routes)
        models,  # noqa: F401  (register tables)
        routes_account,
        routes_invites,
    )
    from app.auth.devices import describe_device, time_ago
    from app.auth.invites import qr_svg
    from app.auth.permissions import load_signed_in_user
    from app.auth.routes import bp

    app.before_request(load_signed_in_user)
    app.register_blueprint(bp)
    app.register_error_handler(CSRFError, _csrf_failed)
    app.jinja_env.filters.update(device=describe_device, ago=time_ago, qr_svg=qr_svg)
