"""Push subscriptions, notification preferences, the in-app feed and the delivery outbox."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

ALL_REVISIONS = "all"
ONLY_MY_CHANGES = "mine"
REVISION_CHOICES = (ALL_REVISIONS, ONLY_MY_CHANGES)

PENDING, SENT, FAILED, DEAD = "pending", "sent", "failed", "dead"
URGENCIES = ("very-low", "low", "normal", "high")


class PushSubscription(db.Model):
    """One browser on one device that accepts pushes for a user."""

    __tablename__ = "push_subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The signed-in session that posted it: while that session lives, nobody else claims it.
    device_session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("device_sessions.id", ondelete="SET NULL"))
    endpoint: Mapped[str] = mapped_column(sa.String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(100))
    auth: Mapped[str] = mapped_column(sa.String(40))
    # Fingerprint of the VAPID public key the browser subscribed with; after a key
    # rotation a mismatch means the device must subscribe again.
    vapid_key_id: Mapped[str] = mapped_column(sa.String(16))
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_success_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    user = relationship("User")


class NotificationPreference(db.Model):
    """What a person wants pushed on one production: every revision, or only their changes."""

    __tablename__ = "notification_preferences"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    revisions: Mapped[str] = mapped_column(sa.String(8), default=ALL_REVISIONS)


class Notification(db.Model):
    """One message to one person: an entry in their in-app feed, pushed to their devices."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The caller's key for reporting, e.g. "revision:42"; push does not interpret it.
    source: Mapped[str] = mapped_column(sa.String(80), default="", index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    url: Mapped[str] = mapped_column(sa.String(500), default="/")
    tag: Mapped[str] = mapped_column(sa.String(64), default="")
    topic: Mapped[str | None] = mapped_column(sa.String(32))
    urgency: Mapped[str] = mapped_column(sa.String(8), default="normal")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Routine news the person chose not to have pushed ("only my changes"): in the feed only.
    push_held: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    person = relationship("Person")


class PushDelivery(db.Model):
    """The outbox: one notification to one subscription, claimed and sent by a worker."""

    __tablename__ = "push_deliveries"
    __table_args__ = (sa.Index("ix_push_deliveries_due", "state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(sa.ForeignKey("notifications.id", ondelete="CASCADE"), index=True)
    # SET NULL: a delivery outlives its subscription so the report can say what happened.
    subscription_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("push_subscriptions.id", ondelete="SET NULL"), index=True
    )
    push_service: Mapped[str] = mapped_column(sa.String(200))  # endpoint origin, for the pause
    state: Mapped[str] = mapped_column(sa.String(8), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # A worker's lease: after it passes, a crashed worker's claim is taken by another.
    claimed_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    claim_token: Mapped[str | None] = mapped_column(sa.String(32))
    shrunk: Mapped[bool] = mapped_column(default=False)
    last_status: Mapped[int | None] = mapped_column()
    last_error: Mapped[str] = mapped_column(sa.String(300), default="")
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    notification = relationship("Notification")
    subscription = relationship("PushSubscription")


class PushServicePause(db.Model):
    """The circuit breaker of one push service, shared by every worker process.

    A row exists once the service has failed; `paused_until` in the future means no worker
    claims deliveries for it. A delivered push removes the row.
    """

    __tablename__ = "push_service_pauses"
    push_service: Mapped[str] = mapped_column(sa.String(200), primary_key=True)  # endpoint origin
    failures: Mapped[int] = mapped_column(default=0)  # since the last success or trip
    trips: Mapped[int] = mapped_column(default=0)  # pauses in a row: each doubles the next
    paused_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
