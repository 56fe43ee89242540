"""The mail outbox: one row per message, kept after sending as the record of what went out."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow

# pending: waiting for a worker; sent: the SMTP server took it; kept: filed in the local
# mailbox (no MAIL_URL); failed: refused for good, or undeliverable before it expired.
PENDING, SENT, KEPT, FAILED = "pending", "sent", "kept", "failed"


class MailMessage(db.Model):
    __tablename__ = "mail_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int | None] = mapped_column(sa.ForeignKey("productions.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    # What the message is about, e.g. "invite:12": the caller finds its outcome by it.
    source: Mapped[str] = mapped_column(sa.String(80), index=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    to_name: Mapped[str] = mapped_column(sa.String(120), default="")
    subject: Mapped[str] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text)
    html: Mapped[str] = mapped_column(sa.Text, default="")
    # Fixed when written, so a retried message is still the same message to the receiver.
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    state: Mapped[str] = mapped_column(sa.String(10), default=PENDING)
    next_attempt_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    claim_token: Mapped[str | None] = mapped_column(sa.String(32))
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(sa.String(300), default="")

    __table_args__ = (sa.Index("ix_mail_messages_due", "state", "next_attempt_at"),)
