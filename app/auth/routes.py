"""Sign-in, sign-out and the landing page that sends each person to their production."""
from flask import Blueprint, abort, g, redirect, request, session, url_for
from marshmallow import ValidationError

from app.auth import service
from app.auth.permissions import current_user, login_required
from app.auth.schemas import LoginSchema
from app.extensions import db
from app.web import render

bp = Blueprint("auth", __name__)


def _client_ip() -> str:
    return request.remote_addr or "unknown"


def _safe_next(target: str) -> str | None:
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.get("/")
@login_required
def home():
    """Send a person to their production: crew to My day, coordinators to the office."""
    people = current_user().memberships
    if len(people) == 1:
        person = people[0]
        endpoint = "schedule.office" if person.is_coordinator else "callsheets.my_day"
        return redirect(url_for(endpoint, production_id=person.production_id))
    return render("auth/productions.html", people=sorted(people, key=lambda p: p.production.title))


@bp.route("/login", methods=["GET", "POST"])
def login():
    form, errors = {"email": "", "next": request.args.get("next", "")}, {}
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            data = LoginSchema().load(form)
        except ValidationError as error:
            return render("auth/login.html", "login_form", 422, form=form, errors=error.messages)
        try:
            user = service.authenticate(data["email"], data["password"], _client_ip())
        except service.Throttled as throttled:
            db.session.commit()
            body, _, headers = render("auth/login.html", "login_form", 429, form=form,
                                      errors={"form": [str(throttled)]})
            return body, 429, {**headers, "Retry-After": str(throttled.retry_after)}
        if user is None:
            db.session.commit()
            errors = {"form": ["That email and password do not match."]}
            return render("auth/login.html", "login_form", 422, form=form, errors=errors)
        token = service.start_session(user, request.user_agent.string, _client_ip())
        db.session.commit()
        session.clear()
        session["sid"] = token
        session.permanent = True
        return redirect(_safe_next(data["next"]) or url_for("auth.home"))
    return render("auth/login.html", "login_form", form=form, errors=errors)


@bp.post("/logout")
def logout():
    if g.get("device_session") is not None:
        db.session.delete(g.device_session)
        db.session.commit()
    session.clear()
    return redirect(url_for("auth.login"))


def load_signed_in_user() -> None:
    """Resolve the cookie to a live device session (server-side, revocable)."""
    g.user = None
    g.device_session = None
    if request.endpoint == "static":
        return
    device = service.session_for_token(session.get("sid"))
    if device is None:
        if "sid" in session:
            session.pop("sid")
            db.session.commit()  # an idle session may have been ended
        return
    g.device_session = device
    g.user = device.user
    if db.session.dirty:
        db.session.commit()  # last-seen time of the device


