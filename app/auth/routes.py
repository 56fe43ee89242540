"""Sign-in, sign-out and the landing page that sends each person to their production."""

from flask import Blueprint, current_app, g, redirect, request, session, url_for
from flask_wtf.csrf import generate_csrf
from marshmallow import ValidationError

from app.auth import service
from app.auth.permissions import current_user, login_required
from app.auth.schemas import LoginSchema
from app.extensions import db
from app.web import redirect_to, render, safe_next

bp = Blueprint("auth", __name__)


def client_ip() -> str:
    """Return the address a request came from (set TRUSTED_PROXIES behind a proxy)."""
    return request.remote_addr or "unknown"


def go_to(url: str):
    """Redirect the browser: the whole page for htmx, a plain 302 otherwise."""
    return redirect_to(url, 302)


def sign_device_in(user) -> None:
    """Make this browser a fresh device session of user, ending the one it had."""
    if g.get("device_session") is not None:
        db.session.delete(g.device_session)
    token = service.start_session(user, request.user_agent.string, client_ip())
    session.clear()  # a new session id and a new CSRF token: no fixation
    session["sid"] = token
    session.permanent = True
    # Mint that CSRF token now, into the cookie this answer sets. Otherwise the first page and
    # the service worker's first requests, arriving together, each mint one and the last
    # cookie wins: the page's token no longer matches and its first form fails with a 400.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    generate_csrf()


@bp.get("/")
@login_required
def home():
    """Send a person to their production: crew to My day, coordinators to the office."""
    people = current_user().memberships
    if len(people) == 1:
        person = people[0]
        endpoint = "callsheets.office" if person.is_coordinator else "callsheets.my_day"
        return redirect(url_for(endpoint, production_id=person.production_id))
    return render("auth/productions.html", people=sorted(people, key=lambda p: p.production.title))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password; too many failures answer 429 before any hashing."""
    if request.method == "GET":
        form = {"email": "", "next": safe_next(request.args.get("next")) or ""}
        return _login_page(form, {}, 200)
    form = {key: value for key, value in request.form.items() if key != "password"}
    try:
        data = LoginSchema().load(request.form)
    except ValidationError as error:
        return _login_page(form, error.messages, 422)
    try:
        user = service.authenticate(data["email"], data["password"], client_ip())
    except service.Throttled as throttled:
        db.session.rollback()
        body, status, headers = _login_page(form, {"form": [str(throttled)]}, 429)
        return body, status, {**headers, "Retry-After": str(throttled.retry_after)}
    if user is None:
        db.session.commit()  # the failed attempt counts, in every worker
        return _login_page(form, {"form": ["That email and password do not match."]}, 422)
    sign_device_in(user)
    db.session.commit()
    return go_to(safe_next(data["next"]) or url_for("auth.home"))


def _login_page(form: dict, errors: dict, status: int):
    body, status, headers = render("auth/login.html", "login_form", status, form=form, errors=errors)
    return body, status, {**headers, "Cache-Control": "no-store"}


@bp.post("/logout")
def logout():
    """End this device's session on the server and forget the cookie."""
    if g.get("device_session") is not None:
        db.session.delete(g.device_session)
        db.session.commit()
    session.clear()
    return go_to(url_for("auth.login"))
