"""Arrivals, wraps and running-late updates."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

ARRIVAL = "arrival"
WRAP = "wrap"
RUNNING_LATE = "running_late"
EVENT_KINDS = (ARRIVAL, WRAP, RUNNING_LATE)


class CheckIn(db.Model):
    """One event of a person on a shoot day, with the three clocks it was seen by."""

    __tablename__ = "checkins"
    __table_args__ = (sa.Index("ix_checkins_shoot_day_id_person_id", "shoot_day_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(sa.ForeignKey("productions.id", ondelete="CASCADE"), index=True)
    shoot_day_id: Mapped[int] = mapped_column(sa.ForeignKey("shoot_days.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    eta: Mapped[int | None] = mapped_column()  # minutes from the shoot day's midnight
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    by_hand: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    op_id: Mapped[str | None] = mapped_column(sa.String(36))
    tapped_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))  # device clock
    sent_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))  # device clock
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # Estimated device clock error: server receive time − device send time.
    clock_offset_ms: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # Tap time corrected by the offset: what the board shows and orders by.
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # A time that makes no sense for the person's published call ("5 h 27 min before call
    # 06:15"), judged by the corrected tap time when recorded; None when the time is sane.
    flag: Mapped[str | None] = mapped_column(sa.String(120))
    # Whether the person answered the phone's "Are you sure?" for that flagged time.
    flag_confirmed: Mapped[bool] = mapped_column(default=False)

    person = relationship("Person", foreign_keys=[person_id])
    recorded_by = relationship("Person", foreign_keys=[recorded_by_id])
