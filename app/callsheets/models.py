"""Published call sheet revisions (immutable snapshots) and their acknowledgements."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class CallSheetRevision(db.Model):
    """A published call sheet: its content is frozen at publish time and never changes."""

    __tablename__ = "callsheet_revisions"
    __table_args__ = (sa.UniqueConstraint("shoot_day_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(sa.ForeignKey("productions.id", ondelete="CASCADE"), index=True)
    shoot_day_id: Mapped[int] = mapped_column(sa.ForeignKey("shoot_days.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    colour: Mapped[str] = mapped_column(sa.String(40))
    published_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    # The call sheet as published (app.callsheets.snapshot). Deferred: lists and the board's
    # unchanged polls never load it.
    content: Mapped[dict] = mapped_column(sa.JSON, deferred=True)
    # Per-person changes against the previous revision: {"<person id>": [change, ...]},
    # documented in app.callsheets.changes.
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict, deferred=True)

    shoot_day = relationship("ShootDay")
    published_by = relationship("Person")


class Acknowledgement(db.Model):
    """When a person opened and confirmed a revision."""

    __tablename__ = "acknowledgements"
    __table_args__ = (sa.UniqueConstraint("revision_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(sa.ForeignKey("productions.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int] = mapped_column(sa.ForeignKey("callsheet_revisions.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    opened_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class RevisionLocked(Exception):
    """A published revision was about to be changed."""


@sa.event.listens_for(CallSheetRevision, "before_update")
def _published_revisions_are_frozen(_mapper, _connection, revision):
    """Refuse any UPDATE of a published revision: a change publishes a new one instead."""
    raise RevisionLocked(f"Revision {revision.number} is published and cannot change; publish a new revision.")


class ForcedCall(db.Model):
    """A call published although it broke the person's minimum rest, acknowledged by the office."""

    __tablename__ = "forced_calls"
    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(sa.ForeignKey("productions.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int] = mapped_column(sa.ForeignKey("callsheet_revisions.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(sa.String(120))  # as it was, should the person leave
    call_day_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shoot_days.id", ondelete="SET NULL"))
    call: Mapped[int] = mapped_column()  # minutes from the call day's midnight
    earliest_call: Mapped[int] = mapped_column()  # the call that would have respected the rest
    short_by_minutes: Mapped[int] = mapped_column()
    required_minutes: Mapped[int] = mapped_column()
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))

    call_day = relationship("ShootDay")
    acknowledged_by = relationship("Person", foreign_keys=[acknowledged_by_id])


class CallTimeChange(db.Model):
    """One change to a person's call time, as published in a revision."""

    __tablename__ = "call_time_changes"
    __table_args__ = (sa.Index("ix_call_time_changes_production_id_person_id", "production_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(sa.ForeignKey("productions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    shoot_day_id: Mapped[int] = mapped_column(sa.ForeignKey("shoot_days.id", ondelete="CASCADE"))
    revision_id: Mapped[int] = mapped_column(sa.ForeignKey("callsheet_revisions.id", ondelete="CASCADE"))
    from_minutes: Mapped[int | None] = mapped_column()  # None: not called before
    to_minutes: Mapped[int | None] = mapped_column()  # None: no longer called
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    shoot_day = relationship("ShootDay")
    revision = relationship("CallSheetRevision")
    changed_by = relationship("Person", foreign_keys=[changed_by_id])
