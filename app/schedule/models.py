"""Productions, locations, shoot days, scenes and the calls of each day."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

DEFAULT_REVISION_COLOURS = "White,Blue,Pink,Yellow,Green,Goldenrod,Buff,Salmon,Cherry"
DAY_STATUSES = ("SW", "W", "WF", "SWF", "H")


class Production(db.Model):
    __tablename__ = "productions"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    company: Mapped[str] = mapped_column(sa.String(200), default="")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Europe/London")
    office_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    office_address: Mapped[str] = mapped_column(sa.String(300), default="")
    revision_colours: Mapped[str] = mapped_column(sa.String(500), default=DEFAULT_REVISION_COLOURS)
    # Minimum rest between a person's wrap and their next call (turnaround), in minutes.
    min_rest_crew: Mapped[int] = mapped_column(default=10 * 60)
    min_rest_cast: Mapped[int] = mapped_column(default=12 * 60)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    departments = relationship(
        "Department", order_by="Department.sort_order", cascade="all, delete-orphan", passive_deletes=True
    )
    shoot_days = relationship(
        "ShootDay",
        order_by="ShootDay.date",
        back_populates="production",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Location(db.Model):
    __tablename__ = "locations"
    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(sa.ForeignKey("productions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    latitude: Mapped[float | None] = mapped_column()
    longitude: Mapped[float | None] = mapped_column()
    parking: Mapped[str] = mapped_column(sa.String(300), default="")
    base_camp: Mapped[str] = mapped_column(sa.String(300), default="")
    holding: Mapped[str] = mapped_column(sa.String(300), default="")
    hospital_name: Mapped[str] = mapped_column(sa.String(200), default="")
    hospital_address: Mapped[str] = mapped_column(sa.String(300), default="")
    hospital_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")


class ShootDay(db.Model):
    """One shooting day; times are minutes from that day's midnight in the production's zone."""

    __tablename__ = "shoot_days"
    __table_args__ = (sa.UniqueConstraint("production_id", "date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(sa.ForeignKey("productions.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(sa.Date)
    day_number: Mapped[int] = mapped_column()
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("locations.id", ondelete="SET NULL"))
    general_call: Mapped[int] = mapped_column(default=7 * 60)
    shooting_call: Mapped[int | None] = mapped_column()
    breakfast: Mapped[int | None] = mapped_column()
    breakfast_place: Mapped[str] = mapped_column(sa.String(200), default="")
    lunch: Mapped[int | None] = mapped_column()
    lunch_place: Mapped[str] = mapped_column(sa.String(200), default="")
    estimated_wrap: Mapped[int | None] = mapped_column()
    weather: Mapped[str] = mapped_column(sa.String(300), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    safety_notes: Mapped[str] = mapped_column(sa.Text, default="")
    walkie_channels: Mapped[str] = mapped_column(sa.Text, default="")
    background: Mapped[str] = mapped_column(sa.Text, default="")
    # Bumped on every edit, so an edit based on an older version can be detected.
    version: Mapped[int] = mapped_column(default=1)

    production = relationship("Production", back_populates="shoot_days")
    location = relationship("Location")
    scenes = relationship(
        "Scene",
        order_by="Scene.sort_order",
        back_populates="shoot_day",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class DepartmentCall(db.Model):
    """A department's call offset and notes for one shoot day, overriding its usual offset."""

    __tablename__ = "department_calls"
    __table_args__ = (sa.UniqueConstraint("shoot_day_id", "department_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(sa.ForeignKey("productions.id", ondelete="CASCADE"), index=True)
    shoot_day_id: Mapped[int] = mapped_column(sa.ForeignKey("shoot_days.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id", ondelete="CASCADE"))
    call_offset: Mapped[int | None] = mapped_column()
    notes: Mapped[str] = mapped_column(sa.Text, default="")


scene_cast = sa.Table(
    "scene_cast",
    db.metadata,
    sa.Column("scene_id", sa.ForeignKey("scenes.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)


class Scene(db.Model):
    __tablename__ = "scenes"
    __table_args__ = (sa.UniqueConstraint("shoot_day_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(sa.ForeignKey("productions.id", ondelete="CASCADE"), index=True)
    shoot_day_id: Mapped[int] = mapped_column(sa.ForeignKey("shoot_days.id", ondelete="CASCADE"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    number: Mapped[str] = mapped_column(sa.String(20))
    int_ext: Mapped[str] = mapped_column(sa.String(8), default="INT")
    set_name: Mapped[str] = mapped_column(sa.String(200), default="")
    day_night: Mapped[str] = mapped_column(sa.String(8), default="DAY")
    synopsis: Mapped[str] = mapped_column(sa.String(500), default="")
    pages_eighths: Mapped[int] = mapped_column(default=8)
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("locations.id", ondelete="SET NULL"))

    shoot_day = relationship("ShootDay", back_populates="scenes")
    location = relationship("Location")
    cast = relationship("Person", secondary=scene_cast, order_by="Person.cast_number")


class PersonCall(db.Model):
    """A person's call on one shoot day when it differs from their department's call.

    Crew are called at their department call unless a row says otherwise; cast are
    called when a row says so or when they appear in a scene of the day.
    """

    __tablename__ = "person_calls"
    __table_args__ = (sa.UniqueConstraint("shoot_day_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(sa.ForeignKey("productions.id", ondelete="CASCADE"), index=True)
    shoot_day_id: Mapped[int] = mapped_column(sa.ForeignKey("shoot_days.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    called: Mapped[bool] = mapped_column(default=True)
    call_override: Mapped[int | None] = mapped_column()
    pickup: Mapped[int | None] = mapped_column()
    hair_makeup_wardrobe: Mapped[int | None] = mapped_column()
    on_set: Mapped[int | None] = mapped_column()
    day_status: Mapped[str] = mapped_column(sa.String(4), default="")
    notes: Mapped[str] = mapped_column(sa.String(300), default="")

    person = relationship("Person")
