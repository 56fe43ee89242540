"""My account: my password and my signed-in devices."""

from flask import abort, g, request, session, url_for
from marshmallow import ValidationError

from app.auth import service
from app.auth.permissions import current_user, login_required
from app.auth.routes import bp, client_ip, go_to
from app.auth.schemas import PasswordSchema
from app.extensions import db
from app.web import render, wants_fragment

# Set in the cookie session when an invite signed this device in to an account that has
# never had a password: the page then welcomes the person. It waives nothing: a password
# that exists is always needed to choose a new one (service.needs_current_password).
INVITED = "invited"


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    """Choose a password: the current one first, unless the account has never had one."""
    user = current_user()
    page = dict(
        user=user,
        welcome=bool(session.get(INVITED)) and user.password_hash is None,
        needs_current=service.needs_current_password(user),
        needs_email=service.has_placeholder_email(user),
    )
    if request.method == "GET":
        return _password_page(page, {}, {}, 200)
    form = {"email": request.form.get("email", "")}
    try:
        data = PasswordSchema().load(request.form)
        service.change_password(
            user,
            data["password"],
            data["current_password"],
            data["email"],
            client_ip(),
            keep_session_id=g.device_session.id,
        )
    except ValidationError as error:
        return _password_page(page, form, error.messages, 422)
    except service.Throttled as throttled:
        db.session.rollback()
        message = f"Too many wrong current passwords. Wait {throttled.retry_after} seconds, then try again."
        body, status, headers = _password_page(page, form, {"current_password": [message]}, 429)
        return body, status, {**headers, "Retry-After": str(throttled.retry_after)}
    except service.AccountError as error:
        db.session.commit()  # a wrong current password counts, in every worker
        return _password_page(page, form, {error.field: [str(error)]}, 422)
    session.pop(INVITED, None)
    db.session.commit()
    return go_to(url_for("auth.home"))


def _password_page(page: dict, form: dict, errors: dict, status: int):
    body, status, headers = render("auth/password.html", "password_form", status, form=form, errors=errors, **page)
    return body, status, {**headers, "Cache-Control": "no-store"}


@bp.get("/account/sessions")
@login_required
def sessions():
    """List my signed-in devices, this one marked."""
    return _devices_page()


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    """Sign one of my devices out; someone else's session is 404."""
    this_device = g.device_session.id
    if service.end_sessions(current_user().id, session_id=session_id) == 0:
        abort(404)
    db.session.commit()
    if session_id == this_device:
        session.clear()
        return go_to(url_for("auth.login"))
    return _after_change("That device is signed out.")


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    """Sign out every device of mine except this one."""
    ended = service.end_sessions(current_user().id, keep_id=g.device_session.id)
    db.session.commit()
    return _after_change(f"Signed out on {ended} other device{'' if ended == 1 else 's'}.")


def _after_change(notice: str):
    if wants_fragment():
        return _devices_page(notice)
    return go_to(url_for("auth.sessions"))


def _devices_page(notice: str = ""):
    this_device = g.device_session.id
    devices = sorted(service.devices_of(current_user().id), key=lambda device: device.id != this_device)
    return render("auth/sessions.html", "devices", devices=devices, this_device=this_device, notice=notice)
