"""A person's access to Callboard, run by the production office: invites, sign out everywhere."""

from zoneinfo import ZoneInfo

from flask import Blueprint, request, url_for

from app.auth import invites, service
from app.auth.permissions import login_required
from app.crew import onboarding
from app.crew.membership import coordination, in_production, runs_another_office
from app.crew.models import Person
from app.extensions import db
from app.timeutil import as_utc
from app.web import public_url, redirect_to, render, render_partial, wants_fragment

bp = Blueprint("access", __name__, url_prefix="/p/<int:production_id>/people/<int:person_id>")
# The card carries an invite token: it stays out of every cache.
PRIVATE = {"Cache-Control": "no-store"}


def invite_link(token: str) -> str:
    """Return the absolute invite link for a token (CALLBOARD_PUBLIC_URL, else this host)."""
    return public_url("auth.invite", token=token)


@bp.get("")
@login_required
def person_access(production_id: int, person_id: int):
    """Show a person's access to Callboard: their invite's state and what the office can do."""
    coordination(production_id)
    return _access_card(in_production(Person, person_id, production_id))


@bp.get("/invite/state")
@login_required
def invite_state(production_id: int, person_id: int):
    """Answer a person's invite row alone: the crew list polls it while their email waits to go."""
    coordination(production_id)
    return _invite_row(in_production(Person, person_id, production_id))


@bp.post("/invite")
@login_required
def invite_person(production_id: int, person_id: int):
    """Issue a fresh invite link for a person of my production and show it with its QR code."""
    coordination(production_id)
    person = in_production(Person, person_id, production_id)
    invite, token = invites.create_invite(person)
    db.session.commit()
    zone = ZoneInfo(person.production.timezone)
    expires = as_utc(invite.expires_at).astimezone(zone).strftime("%a %-d %b, %H:%M")
    return _access_card(person, invite_url=invite_link(token), expires=expires)


@bp.post("/invite/email")
@login_required
def email_invite(production_id: int, person_id: int):
    """Email a person a fresh invite (the worker sends it); from the crew list, answer with their row."""
    coordination(production_id)
    person = in_production(Person, person_id, production_id)
    from_list = request.form.get("view") == "row"
    try:
        onboarding.email_invite(person, invite_link)
    except onboarding.NoAddress as error:
        db.session.rollback()
        if from_list and wants_fragment():
            return _invite_row(person, 422, errors=error.errors)
        return _access_card(person, 422, errors=error.errors)
    db.session.commit()
    if from_list:
        if wants_fragment():
            return _invite_row(person)
        return redirect_to(url_for("crew.crew", production_id=production_id) + f"#person-{person.id}")
    return _access_card(person, emailed=True)


@bp.post("/sessions/end")
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


def _access_card(person: Person, status: int = 200, **context):
    state = onboarding.invite_states([person])[person.id]
    body, status, headers = render("crew/person_access.html", "access", status, person=person, state=state, **context)
    return body, status, {**headers, **PRIVATE}


def _invite_row(person: Person, status: int = 200, errors: dict | None = None):
    state = onboarding.invite_states([person])[person.id]
    return render_partial(
        "crew/_invite_state.html", status, person=person, production=person.production, state=state, errors=errors or {}
    )
