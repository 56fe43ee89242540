"""Single-use, expiring invite links that sign a person in on their own device. Never commits."""

import secrets
from datetime import datetime, timedelta

import segno
import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup

from app.auth.models import Invite, User
from app.auth.service import PLACEHOLDER_EMAIL_DOMAIN, normal_email, token_digest
from app.extensions import db
from app.timeutil import as_utc, utcnow

ASK_THE_OFFICE = "Ask the production office for a new one."
REASONS = {
    404: "This invite link does not work.",
    409: "Your account is already on this production under another name.",
    410: "This invite link has expired or was already used.",
}


class InviteInvalid(Exception):
    """The invite link is unknown (404), clashes with a membership (409), or is used up (410)."""

    def __init__(self, status: int, invite: Invite | None = None):
        super().__init__(f"{REASONS[status]} {ASK_THE_OFFICE}")
        self.status = status
        self.invite = invite


class InviteNeedsSignIn(Exception):
    """The invite leads to an account with access elsewhere: its password is needed first."""

    def __init__(self, user: User):
        super().__init__("You already have a Callboard account. Sign in with your password to join this production.")
        self.user = user


def create_invite(person, now: datetime | None = None, *, retire_others: bool = True) -> tuple[Invite, str]:
    """Issue a new invite for person, retiring their unused ones; return it with its token.

    retire_others=False keeps their other links working (a QR card on the office wall beside
    the link they were emailed); whichever is used first signs them in.
    """
    now = now or utcnow()
    if retire_others:
        retire_invites(person.id, now)
    token = secrets.token_urlsafe(24)
    invite = Invite(
        production_id=person.production_id,
        person_id=person.id,
        token_hash=token_digest(token),
        created_at=now,
        expires_at=now + timedelta(hours=current_app.config["INVITE_TTL_HOURS"]),
    )
    db.session.add(invite)
    return invite, token


def retire_invites(person_id: int, now: datetime | None = None) -> None:
    """Make every unused invite of a person expire now."""
    now = now or utcnow()
    db.session.execute(
        sa.update(Invite)
        .where(Invite.person_id == person_id, Invite.used_at.is_(None), Invite.expires_at > now)
        .values(expires_at=now)
        .execution_options(synchronize_session="fetch")
    )


def mark_opened(invite: Invite, now: datetime | None = None) -> None:
    """Record the first time the invite's page was opened (only a POST uses it up)."""
    if invite.opened_at is None:
        invite.opened_at = now or utcnow()


def find_invite(token: str) -> Invite:
    """Return the usable invite for token, or raise InviteInvalid."""
    invite = db.session.scalar(sa.select(Invite).where(Invite.token_hash == token_digest(token)))
    if invite is None:
        raise InviteInvalid(404)
    if invite.used_at is not None or as_utc(invite.expires_at) <= utcnow():
        raise InviteInvalid(410, invite)
    return invite


def invited_account(invite: Invite) -> User | None:
    """Return the existing account the invite leads to, or None when one will be made."""
    person = invite.person
    if person.user is not None:
        return person.user
    if not person.email:
        return None
    return db.session.scalar(sa.select(User).where(User.email == normal_email(person.email)))


def may_sign_in_directly(invite: Invite, signed_in: User | None) -> bool:
    """Return True when the invite alone may sign the device in to its account.

    An invite proves only that a production office typed an email address, and anyone can
    run a production office. So it opens an existing account only when that account has
    never had a password (a person still joining) and reaches nothing beyond this
    production; any other account must prove itself with its password first, whatever
    its memberships (an account removed from everything is still someone's account).
    """
    user = invited_account(invite)
    if user is None or user == signed_in:
        return True
    if user.password_hash is not None:
        return False
    return all(p.production_id == invite.production_id for p in user.memberships)


def accept_invite(token: str, signed_in: User | None = None) -> User:
    """Use up the invite exactly once, link the person to an account and return that account."""
    invite = find_invite(token)
    user = invited_account(invite)
    if not may_sign_in_directly(invite, signed_in):
        raise InviteNeedsSignIn(user)
    if user is not None and any(
        p.production_id == invite.production_id and p.id != invite.person_id for p in user.memberships
    ):
        raise InviteInvalid(409, invite)
    now = utcnow()
    # Two taps on the same link (or two workers) race here: only one update can win.
    claimed = db.session.execute(
        sa.update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None), Invite.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if claimed != 1:
        raise InviteInvalid(410, invite)
    person = invite.person
    if user is None:
        email = normal_email(person.email) if person.email else f"person-{person.id}@{PLACEHOLDER_EMAIL_DOMAIN}"
        user = User(email=email, name=person.name)
        db.session.add(user)
    person.user = user
    return user


def qr_svg(url: str) -> Markup:
    """Return an inline SVG QR code for url: viewBox-sized, dark on light, no style attributes."""
    code = segno.make(url, error="m")
    return Markup(
        code.svg_inline(
            dark="#000", light="#fff", omitsize=True, svgclass="qr", lineclass=None, title="QR code of the invite link"
        )
    )
