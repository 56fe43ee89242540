"""Letting a production's people in: invite states, invites by email, QR cards. Never commits.

An invite's state is read from the person and their newest invite: joined (the person has an
account), opened (its page was viewed), emailed (with what the mail outbox says about it), a
link shown on screen, or never invited. Links come from the caller (`link_for(token)`), so
they can be absolute from CALLBOARD_PUBLIC_URL.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import render_template

from app.auth import invites
from app.auth.models import Invite
from app.crew.models import Person
from app.extensions import db
from app.mail import outbox
from app.mail.models import FAILED, KEPT, PENDING
from app.timeutil import as_utc, utcnow

LinkFor = Callable[[str], str]
EMAIL, WALL = "email", "wall"


class NoAddress(Exception):
    """The person has no email address (or one mail cannot be sent to); errors map field → messages."""

    def __init__(self, message: str):
        super().__init__(message)
        self.errors = {"email": [message]}


@dataclass(frozen=True)
class InviteState:
    key: str  # never, link, queued, emailed, failed, opened, joined
    label: str
    at: datetime | None = None
    detail: str = ""
    expired: bool = False

    @property
    def joined(self) -> bool:
        return self.key == "joined"


def invite_states(people: list[Person], now: datetime | None = None) -> dict[int, InviteState]:
    """Return each person's invite state, in two queries for the whole list."""
    now = now or utcnow()
    ids = [p.id for p in people if p.user_id is None]
    sent: dict[int, list[Invite]] = {}
    if ids:
        for invite in db.session.scalars(sa.select(Invite).where(Invite.person_id.in_(ids)).order_by(Invite.id)):
            sent.setdefault(invite.person_id, []).append(invite)
    mail = outbox.by_source([f"invite:{i.id}" for found in sent.values() for i in found if i.sent_via == EMAIL])
    return {p.id: _state(p, sent.get(p.id, []), mail, now) for p in people}


def _telling(invites_: list[Invite], now: datetime) -> Invite:
    """The invite that says most: among live ones if any, the newest opened, else emailed, else any."""
    live = [i for i in invites_ if i.used_at is None and as_utc(i.expires_at) > now]
    for pool in (live, invites_):
        for telling in (lambda i: i.opened_at is not None, lambda i: i.sent_via == EMAIL, lambda i: True):
            found = [i for i in pool if telling(i)]
            if found:
                return found[-1]
    raise ValueError("no invites")


def _state(person: Person, invites_: list[Invite], mail: dict, now: datetime) -> InviteState:
    if person.user_id is not None:
        return InviteState("joined", "Joined")
    if not invites_:
        return InviteState("never", "Not invited yet")
    invite = _telling(invites_, now)
    expired = invite.used_at is None and as_utc(invite.expires_at) <= now
    if invite.opened_at:
        return InviteState("opened", "Opened the invite", invite.opened_at, expired=expired)
    message = mail.get(f"invite:{invite.id}")
    if message is None:
        label = "On the QR wall sheet" if invite.sent_via == WALL else "Link shown"
        return InviteState("link", label, invite.created_at, expired=expired)
    if message.state == PENDING:
        return InviteState("queued", "Email waiting to go", invite.sent_at, message.last_error, expired)
    if message.state == FAILED:
        return InviteState("failed", "Email failed", invite.sent_at, message.last_error, expired)
    detail = "to the local mailbox" if message.state == KEPT else f"to {message.to_address}"
    return InviteState("emailed", "Emailed", message.sent_at, detail, expired)


def not_joined(production_id: int) -> list[Person]:
    """Return the production's people without an account, by name."""
    return list(
        db.session.scalars(
            sa.select(Person)
            .where(Person.production_id == production_id, Person.user_id.is_(None))
            .order_by(Person.name)
        )
    )


def email_invite(person: Person, link_for: LinkFor, now: datetime | None = None) -> Invite:
    """Issue a fresh invite (retiring the person's unused ones) and write its email into the outbox."""
    if not person.email:
        raise NoAddress(f"{person.name} has no email address. Add one, or show them the QR code.")
    try:
        address = outbox.check_address(person.email)
    except outbox.BadAddress as bad:
        raise NoAddress(f"{bad} Correct it, or show them the QR code.") from None
    now = now or utcnow()
    invite, token = invites.create_invite(person, now)
    db.session.flush()
    invite.sent_via, invite.sent_at = EMAIL, now
    production = person.production
    context = dict(person=person, production=production, link=link_for(token), expires=as_utc(invite.expires_at))
    outbox.enqueue(
        address,
        f"{production.title}: your invite to Callboard",
        render_template("crew/invite_email.txt", **context),
        render_template("crew/invite_email.html", **context),
        source=f"invite:{invite.id}",
        to_name=person.name,
        production_id=production.id,
        person_id=person.id,
        expires_at=invite.expires_at,
        now=now,
    )
    return invite


@dataclass
class Outcome:
    """What "invite everyone not yet joined" did."""

    emailed: list[Person]
    without_email: list[Person]
    bad_address: list[Person]


def email_everyone(production_id: int, link_for: LinkFor, now: datetime | None = None) -> Outcome:
    """Email an invite to everyone on the production not yet joined who has a usable address."""
    outcome = Outcome([], [], [])
    for person in not_joined(production_id):
        if not person.email:
            outcome.without_email.append(person)
            continue
        try:
            email_invite(person, link_for, now)
        except NoAddress:
            outcome.bad_address.append(person)
        else:
            outcome.emailed.append(person)
    return outcome


def wall_cards(
    production_id: int, link_for: LinkFor, now: datetime | None = None
) -> tuple[list[tuple[Person, str]], datetime | None]:
    """Issue a wall-sheet invite for everyone not yet joined; return the cards and when they expire.

    Their emailed links keep working; whichever link is used first signs them in.
    """
    now = now or utcnow()
    cards = []
    people = not_joined(production_id)
    # A new sheet replaces the last one on the wall: its unused codes stop working.
    db.session.execute(
        sa.update(Invite)
        .where(
            Invite.person_id.in_([p.id for p in people]),
            Invite.sent_via == WALL,
            Invite.used_at.is_(None),
            Invite.expires_at > now,
        )
        .values(expires_at=now)
        .execution_options(synchronize_session="fetch")
    )
    for person in people:
        invite, token = invites.create_invite(person, now, retire_others=False)
        invite.sent_via, invite.sent_at = WALL, invite.created_at
        cards.append((person, link_for(token)))
    return cards, (invite.expires_at if cards else None)
