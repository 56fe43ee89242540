"""The operations already applied, so a replayed one never applies twice."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class AppliedOperation(db.Model):
    """An offline operation already applied: its (user, id) can never apply twice."""

    __tablename__ = "applied_operations"
    __table_args__ = (sa.UniqueConstraint("user_id", "op_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    op_id: Mapped[str] = mapped_column(sa.String(36))
    production_id: Mapped[int] = mapped_column(sa.ForeignKey("productions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    applied_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    result: Mapped[dict] = mapped_column(sa.JSON, default=dict)
