"""Invite links: who an invite is for, and using it up to sign this device in."""

from flask import request, session, url_for

from app.auth import invites
from app.auth.permissions import current_user
from app.auth.routes import bp, go_to, sign_device_in
from app.auth.routes_account import INVITED
from app.extensions import db
from app.web import render

# Pages that show or carry an invite token stay out of every cache. (Not no-referrer: Flask-WTF
# refuses https form posts without a same-origin Referer.)
PRIVATE = {"Cache-Control": "no-store"}


@bp.get("/invite/<token>")
def invite(token: str):
    """Show who the invite is for, with one button that signs this device in."""
    try:
        found = invites.find_invite(token)
    except invites.InviteInvalid as error:
        return _invite_gone(error)
    needs_sign_in = not invites.may_sign_in_directly(found, current_user())
    invites.mark_opened(found)  # the office sees "opened"; the link stays usable
    db.session.commit()
    return _invite_page(found, needs_sign_in, 200)


@bp.post("/invite/<token>")
def accept_invite(token: str):
    """Use up the invite: sign this device in and offer to choose a password."""
    try:
        user = invites.accept_invite(token, current_user())
    except invites.InviteInvalid as error:
        db.session.rollback()
        return _invite_gone(error)
    except invites.InviteNeedsSignIn:
        db.session.rollback()
        return _invite_page(invites.find_invite(token), True, 409)
    if current_user() != user:
        sign_device_in(user)
        # Only a person joining for the first time is welcomed to choose a password; a
        # session accepting an invite to its own account gains nothing from it.
        if user.password_hash is None:
            session[INVITED] = True
    db.session.commit()
    return go_to(url_for("auth.password"))


def _invite_page(found, needs_sign_in: bool, status: int):
    body, status, headers = render(
        "auth/invite.html",
        status=status,
        invite=found,
        person=found.person,
        production=found.person.production,
        needs_sign_in=needs_sign_in,
        account=invites.invited_account(found),
        path=request.path,
    )
    return body, status, {**headers, **PRIVATE}


def _invite_gone(error: invites.InviteInvalid):
    production = error.invite.person.production if error.invite else None
    body, status, headers = render(
        "auth/invite_gone.html", status=error.status, message=str(error), production=production
    )
    return body, status, {**headers, **PRIVATE}
