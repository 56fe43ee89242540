"""A person's access to Callboard, run by the production office: invite links, sign out everywhere."""

from zoneinfo import ZoneInfo

from flask import Blueprint, url_for

from app.auth import invites, service
from app.auth.permissions import login_required
from app.crew.membership import coordination, in_production, runs_another_office
from app.crew.models import Person
from app.extensions import db
from app.timeutil import as_utc
from app.web import render

bp = Blueprint("access", __name__, url_prefix="/p/<int:production_id>/people/<int:person_id>")
# The card carries an invite token: it stays out of every cache.
PRIVATE = {"Cache-Control": "no-store"}


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
    return _access_card(person, invite_url=url_for("auth.invite", token=token, _external=True), expires=expires)


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


def _access_card(person: Person, **context):
    body, status, headers = render("crew/person_access.html", "access", person=person, **context)
    return body, status, {**headers, **PRIVATE}
