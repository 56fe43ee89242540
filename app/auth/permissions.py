"""Who is signed in, and sending everyone else to sign in (memberships: app.crew.membership)."""

from functools import wraps
from urllib.parse import urlsplit

from flask import g, redirect, request, session, url_for

from app.auth import service
from app.extensions import db, htmx
from app.web import htmx_request


def load_signed_in_user() -> None:
    """Resolve the cookie to a live device session (server-side, revocable)."""
    g.user = None
    g.device_session = None
    if request.endpoint == "static":
        return
    device = service.session_for_token(session.get("sid"))
    if device is None:
        if "sid" in session:
            session.pop("sid")  # ended from another device or by the production office
            db.session.commit()  # an idle session may have been deleted
        return
    if service.touch(device):
        db.session.commit()
    g.device_session = device
    g.user = device.user


def current_user():
    """Return the signed-in user or None."""
    return g.get("user")


def sign_in_redirect():
    """Send the visitor to the sign-in page and back here afterwards (the whole page for htmx)."""
    if htmx_request():
        # A fragment request must not swap the sign-in page into a corner of the screen:
        # send the whole browser, and come back to the page (not the fragment) afterwards.
        page = urlsplit(htmx.current_url or "")
        back = page.path + (f"?{page.query}" if page.query else "") if page.path else ""
        return "", 401, {"HX-Redirect": url_for("auth.login", next=back or None)}
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def login_required(view):
    """Send anonymous visitors to the sign-in page."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user() is None:
            return sign_in_redirect()
        return view(*args, **kwargs)

    return wrapped
