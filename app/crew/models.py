"""Departments and the people of a production, with their contact privacy."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

COORDINATOR = "coordinator"
CREW = "crew"
ROLES = (COORDINATOR, CREW)


class Department(db.Model):
    __tablename__ = "departments"
    __table_args__ = (sa.UniqueConstraint("production_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(sa.ForeignKey("productions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    sort_order: Mapped[int] = mapped_column(default=0)
    # Department call = general crew call + this offset (minutes, may be negative).
    call_offset: Mapped[int] = mapped_column(default=0)

    people = relationship("Person", back_populates="department", order_by="Person.name")


class Person(db.Model):
    """A person on a production: their membership, role, department and contacts."""

    __tablename__ = "people"
    __table_args__ = (
        sa.UniqueConstraint("production_id", "email"),
        sa.UniqueConstraint("production_id", "user_id"),
        sa.UniqueConstraint("production_id", "cast_number"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(sa.ForeignKey("productions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    share_phone: Mapped[bool] = mapped_column(default=False)
    share_email: Mapped[bool] = mapped_column(default=False)
    role: Mapped[str] = mapped_column(sa.String(20), default=CREW)
    job_title: Mapped[str] = mapped_column(sa.String(120), default="")
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id", ondelete="SET NULL"), index=True)
    is_department_head: Mapped[bool] = mapped_column(default=False)
    cast_number: Mapped[int | None] = mapped_column()
    character: Mapped[str] = mapped_column(sa.String(120), default="")
    # Personal minimum rest (minutes) when the contract differs from the production's.
    min_rest: Mapped[int | None] = mapped_column()
    # Who to call if something happens to them on set: the production office only.
    emergency_name: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    emergency_phone: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    # The secret in their private calendar feed URL (/cal/<token>.ics); None until turned on.
    calendar_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True, index=True)

    user = relationship("User", back_populates="memberships")
    department = relationship("Department", back_populates="people")
    production = relationship("Production")

    @property
    def is_coordinator(self) -> bool:
        return self.role == COORDINATOR

    @property
    def is_cast(self) -> bool:
        return self.cast_number is not None

    def visible_phone(self, viewer: "Person") -> str:
        """Return the phone number if viewer may see it, else an empty string."""
        return self.phone if may_see_phone(viewer, self) else ""

    def visible_email(self, viewer: "Person") -> str:
        """Return the email if viewer may see it, else an empty string."""
        if viewer.is_coordinator or viewer.id == self.id or self.share_email:
            return self.email or ""
        return ""


def may_see_phone(viewer: Person, owner: Person | None) -> bool:
    """Return True when viewer may see owner's phone number, by owner's choice as it is now.

    The production office sees every number and everyone sees their own; the rest of the
    crew see a number its owner shares, and every head of department's. An owner no longer
    on the production (None) shares nothing. Every page that shows a number asks here.
    """
    if viewer.is_coordinator:
        return True
    if owner is None:
        return False
    return viewer.id == owner.id or owner.share_phone or owner.is_department_head
