"""Writing mail into the outbox (inside the caller's transaction) and reading what became of it."""

import secrets
from datetime import datetime, timedelta
from email.errors import HeaderParseError
from email.headerregistry import Address

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.mail.models import PENDING, MailMessage
from app.timeutil import utcnow


class BadAddress(ValueError):
    """An email address no mail server would take."""


def check_address(address: str | None) -> str:
    """Return the address, trimmed, or raise BadAddress with a message a person understands."""
    address = (address or "").strip()
    if not address:
        raise BadAddress("There is no email address to send to.")
    local, _, domain = address.rpartition("@")
    try:
        if len(address) > 254 or not local or "." not in domain or any(c.isspace() for c in address):
            raise ValueError
        Address(addr_spec=address)
    except (ValueError, HeaderParseError, IndexError):
        raise BadAddress(f"“{address}” is not an email address mail can be sent to.") from None
    return address


def enqueue(
    to_address: str,
    subject: str,
    text: str,
    html: str = "",
    *,
    source: str,
    to_name: str = "",
    production_id: int | None = None,
    person_id: int | None = None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> MailMessage:
    """Write one message into the outbox; a worker sends it after the caller commits."""
    now = now or utcnow()
    to_address = check_address(to_address)
    message = MailMessage(
        to_address=to_address,
        to_name=to_name,
        subject=subject.replace("\n", " ")[:300],
        text=text,
        html=html,
        source=source,
        production_id=production_id,
        person_id=person_id,
        message_id=f"<{secrets.token_hex(16)}@{_sender_domain()}>",
        created_at=now,
        next_attempt_at=now,
        state=PENDING,
        expires_at=expires_at or now + timedelta(hours=current_app.config["MAIL_TTL_HOURS"]),
    )
    db.session.add(message)
    return message


def _sender_domain() -> str:
    """The right-hand side of our Message-IDs: the sender's domain."""
    return current_app.config["MAIL_FROM"].rpartition("@")[2].strip("> ") or "localhost"


def by_source(sources: list[str]) -> dict[str, MailMessage]:
    """Return the newest message written for each source."""
    if not sources:
        return {}
    rows = db.session.scalars(
        sa.select(MailMessage).where(MailMessage.source.in_(sources)).order_by(MailMessage.id)
    ).all()
    return {row.source: row for row in rows}


def mailbox(production_id: int, limit: int = 200) -> list[MailMessage]:
    """Return a production's mail, newest first: what was sent or, without MAIL_URL, kept here."""
    return list(
        db.session.scalars(
            sa.select(MailMessage)
            .where(MailMessage.production_id == production_id)
            .order_by(MailMessage.id.desc())
            .limit(limit)
        )
    )


def message_of(production_id: int, message_id: int) -> MailMessage | None:
    return db.session.scalar(
        sa.select(MailMessage).where(MailMessage.production_id == production_id, MailMessage.id == message_id)
    )
