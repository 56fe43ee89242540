"""Documents of a production, their versions, tags and the departments that may see them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.documents.filetypes import BY_CONTENT_TYPE
from app.extensions import db
from app.timeutil import as_utc, utcnow

KINDS = {
    "permit": "Permit",
    "location_agreement": "Location agreement",
    "contract": "Contract",
    "insurance": "Insurance certificate",
    "map": "Map",
    "sides": "Sides",
    "script": "Script",
    "risk_assessment": "Risk assessment",
    "other": "Other",
}

COORDINATORS = "coordinators"
DEPARTMENTS = "departments"
EVERYONE = "everyone"
VISIBILITIES = {
    COORDINATORS: "Production office only",
    DEPARTMENTS: "Chosen departments",
    EVERYONE: "Everyone on the production",
}


def size_label(size: int) -> str:
    """Return a file size as people read it: 840 KB, 3.2 MB."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def default_visibility(kind: str) -> str:
    """Return who sees a new document of this kind unless the coordinator chooses."""
    return COORDINATORS if kind == "contract" else EVERYONE


document_departments = sa.Table(
    "document_departments",
    db.metadata,
    sa.Column("document_id", sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("department_id", sa.ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Document(db.Model):
    """A piece of production paperwork; its file lives in its versions."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(sa.ForeignKey("productions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    title: Mapped[str] = mapped_column(sa.String(200))
    visibility: Mapped[str] = mapped_column(sa.String(20))
    shoot_day_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shoot_days.id", ondelete="SET NULL"), index=True)
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("locations.id", ondelete="SET NULL"), index=True)
    needed_on_location: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    shoot_day = relationship("ShootDay")
    location = relationship("Location")
    departments = relationship("Department", secondary=document_departments, order_by="Department.sort_order")
    tags = relationship("DocumentTag", order_by="DocumentTag.name", cascade="all, delete-orphan", passive_deletes=True)
    versions = relationship(
        "DocumentVersion",
        order_by="DocumentVersion.number.desc()",
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def current_version(self) -> "DocumentVersion":
        return self.versions[0]

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def tag_names(self) -> list[str]:
        return [tag.name for tag in self.tags]


class DocumentTag(db.Model):
    __tablename__ = "document_tags"
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True, index=True)


class DocumentVersion(db.Model):
    """One uploaded file of a document; versions are never changed or deleted."""

    __tablename__ = "document_versions"
    __table_args__ = (sa.UniqueConstraint("document_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    filename: Mapped[str] = mapped_column(sa.String(160))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    content_type: Mapped[str] = mapped_column(sa.String(120))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    storage_key: Mapped[str] = mapped_column(sa.String(200))

    document = relationship("Document", back_populates="versions")
    uploaded_by = relationship("Person")

    @property
    def type_label(self) -> str:
        kind = BY_CONTENT_TYPE.get(self.content_type)
        return kind.label if kind else self.content_type

    @property
    def size_label(self) -> str:
        return size_label(self.size)

    def uploaded_in(self, timezone: str) -> datetime:
        """Return the upload time on the production's clock."""
        return as_utc(self.uploaded_at).astimezone(ZoneInfo(timezone))
