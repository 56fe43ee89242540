"""Invite links, and the production office signing a person out everywhere (lost phone)."""
from zoneinfo import ZoneInfo

from flask import request, session, url_for

from app.auth import invites, service
from app.auth.permissions import coordination, current_user, in_production, login_required, runs_another_office
from app.auth.routes import bp, go_to, sign_device_in
from app.auth.routes_account import INVITED
from app.crew.models import Person
from app.extensions import db
from app.timeutil import as_utc
from app.web import render

# Pages that show or carry an invite token stay out of every cache. (Not no-referrer: Flask-WTF
# refuses https form posts without a same-origin Referer.)
PRIVATE = {"Cache-Control": "no-store"}


@bp.post("/p/<int:production_id>/people/<int:person_id>/invite")
@login_required
def invite_person(production_id: int, person_id: int):
    """Issue a fresh invite link for a person of my production and show it with its QR code."""
    coordination(production_id)
    person = in_production(Person, person_id, production_id)
    invite, token = invites.create_invite(person)
    db.session.commit()
    zone = ZoneInfo(person.production.timezone)
    expires = as_utc(invite.expires_at).astimezone(zone).strftime("%a %-d %b, %H:%M")
    return _access_card(person, invite_url=url_for("auth.invite", token=token, _external=True),
                        expires=expires)


@bp.post("/p/<int:production_id>/people/<int:person_id>/sessions/end")
@login_required
def end_person_sessions(production_id: int, person_id: int):
    """Sign a person of my production out on every device and cancel their unused invites.

    Someone who also runs another production's office is not signed out from here: their
    sessions reach that production too, which this office has no say over. The card says
    so and asks the office to have them sign the lost phone out themselves.
    """
    coordination(production_id)
    person = in_production(Person, person_id, production_id)
    invites.retire_invites(person.id)
    if runs_another_office(person.user_id, production_id):
        db.session.commit()
        return _access_card(person, refused=True)
    ended = service.end_sessions(person.user_id) if person.user_id else 0
    db.session.commit()
    return _access_card(person, ended=ended)


def _access_card(person: Person, **context):
    body, status, headers = render("auth/person_access.html", "access", person=person, **context)
    return body, status, {**headers, **PRIVATE}


@bp.get("/invite/<token>")
def invite(token: str):
    """Show who the invite is for, with one button that signs this device in."""
    try:
        found = invites.find_invite(token)
    except invites.InviteInvalid as error:
        return _invite_gone(error)
    needs_sign_in = not invites.may_sign_in_directly(found, current_user())
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
    body, status, headers = render("auth/invite.html", status=status, invite=found, person=found.person,
                                   production=found.person.production, needs_sign_in=needs_sign_in,
                                   account=invites.invited_account(found), path=request.path)
    return body, status, {**headers, **PRIVATE}


def _invite_gone(error: invites.InviteInvalid):
    production = error.invite.person.production if error.invite else None
    body, status, headers = render("auth/invite_gone.html", status=error.status,
                                   message=str(error), production=production)
    return body, status, {**headers, **PRIVATE}
