"""Keep production paperwork: upload, new versions, edit, archive, and who may see what.

Never commits. Raises DocumentInvalid with field-level messages for the view to show.
"""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.crew.models import Department, Person
from app.documents.models import (
    DEPARTMENTS,
    EVERYONE,
    Document,
    DocumentTag,
    DocumentVersion,
    default_visibility,
    document_departments,
)
from app.documents.schemas import Upload
from app.documents.storage import DocumentStore
from app.extensions import db
from app.schedule.models import Location, ShootDay
from app.timeutil import utcnow


class DocumentInvalid(Exception):
    """The request names something outside the production; errors are per field."""

    def __init__(self, messages: dict[str, list[str]]):
        super().__init__("; ".join(message for field in messages.values() for message in field))
        self.messages = messages


def visible_to(viewer: Person):
    """Return the SQL condition for documents viewer may see (archived ones: office only)."""
    if viewer.is_coordinator:
        return sa.true()
    chosen = sa.exists().where(
        document_departments.c.document_id == Document.id, document_departments.c.department_id == viewer.department_id
    )
    shared = sa.or_(Document.visibility == EVERYONE, sa.and_(Document.visibility == DEPARTMENTS, chosen))
    return sa.and_(Document.archived_at.is_(None), shared)


def _documents(viewer: Person):
    return (
        sa.select(Document)
        .where(Document.production_id == viewer.production_id, visible_to(viewer))
        .options(
            selectinload(Document.versions),
            selectinload(Document.tags),
            selectinload(Document.departments),
            selectinload(Document.shoot_day),
            selectinload(Document.location),
        )
    )


def visible_document(viewer: Person, document_id: int) -> Document | None:
    """Return the document if it is of viewer's production and viewer may see it."""
    return db.session.scalar(_documents(viewer).where(Document.id == document_id))


def search(
    viewer: Person, kind=None, tag=None, day=None, location=None, department=None, q="", archived=False
) -> list[Document]:
    """Return the documents viewer may see that match every given filter, newest first."""
    query = _documents(viewer).where(Document.archived_at.is_not(None) if archived else Document.archived_at.is_(None))
    if kind:
        query = query.where(Document.kind == kind)
    if tag:
        query = query.where(Document.tags.any(DocumentTag.name == tag.lower()))
    if day:
        query = query.where(Document.shoot_day_id == day)
    if location:
        query = query.where(Document.location_id == location)
    if department:
        query = query.where(Document.visibility == DEPARTMENTS, Document.departments.any(Department.id == department))
    if q:
        pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(sa.func.lower(Document.title).like(pattern, escape="\\"))
    return list(db.session.scalars(query.order_by(Document.created_at.desc(), Document.id.desc())))


def tags_in_use(viewer: Person) -> list[str]:
    """Return the tags on documents viewer may see, for the filter list."""
    return list(
        db.session.scalars(
            sa.select(DocumentTag.name)
            .join(Document)
            .where(Document.production_id == viewer.production_id, visible_to(viewer))
            .distinct()
            .order_by(DocumentTag.name)
        )
    )


def form_choices(viewer: Person) -> dict:
    """Return the production's shoot days, locations, departments and tags for forms and filters."""
    production_id = viewer.production_id
    return dict(
        days=list(
            db.session.scalars(
                sa.select(ShootDay).where(ShootDay.production_id == production_id).order_by(ShootDay.date)
            )
        ),
        locations=list(
            db.session.scalars(
                sa.select(Location).where(Location.production_id == production_id).order_by(Location.name)
            )
        ),
        departments=list(
            db.session.scalars(
                sa.select(Department)
                .where(Department.production_id == production_id)
                .order_by(Department.sort_order, Department.name)
            )
        ),
        tags=tags_in_use(viewer),
    )


def as_form(document: Document) -> dict:
    """Return the document's details as the edit form shows them."""
    return {
        "kind": document.kind,
        "title": document.title,
        "tags": ", ".join(document.tag_names),
        "shoot_day_id": str(document.shoot_day_id or ""),
        "location_id": str(document.location_id or ""),
        "needed_on_location": "on" if document.needed_on_location else "",
        "visibility": document.visibility,
        "department_ids": [str(d.id) for d in document.departments],
    }


def _check_links(production_id: int, data: dict) -> list[Department]:
    """Raise DocumentInvalid unless the day, location and departments are the production's."""
    errors = {}
    for field, model, message in (
        ("shoot_day_id", ShootDay, "Choose a shoot day of this production."),
        ("location_id", Location, "Choose a location of this production."),
    ):
        if (
            data.get(field) is not None
            and db.session.scalar(
                sa.select(model.id).where(model.id == data[field], model.production_id == production_id)
            )
            is None
        ):
            errors[field] = [message]
    wanted = set(data.get("department_ids") or [])
    departments = (
        list(
            db.session.scalars(
                sa.select(Department).where(Department.production_id == production_id, Department.id.in_(wanted))
            )
        )
        if wanted
        else []
    )
    if len(departments) != len(wanted):
        errors["department_ids"] = ["Choose departments of this production."]
    if errors:
        raise DocumentInvalid(errors)
    return departments


def _describe(document: Document, data: dict) -> None:
    departments = _check_links(document.production_id, data)
    document.kind = data["kind"]
    document.title = data["title"]
    document.shoot_day_id = data.get("shoot_day_id")
    document.location_id = data.get("location_id")
    document.needed_on_location = data.get("needed_on_location", False)
    document.visibility = data.get("visibility") or document.visibility or default_visibility(data["kind"])
    document.departments = departments if document.visibility == DEPARTMENTS else []
    current = {tag.name: tag for tag in document.tags}
    document.tags = [current.get(name) or DocumentTag(name=name) for name in data.get("tags", [])]


def _add_version(document: Document, upload: Upload, uploader: Person, store: DocumentStore) -> DocumentVersion:
    number = (
        (
            db.session.scalar(
                sa.select(sa.func.max(DocumentVersion.number)).where(DocumentVersion.document_id == document.id)
            )
            or 0
        )
        + 1
        if document.id
        else 1
    )
    key = store.put(upload.data)  # content-addressed: the same file is stored once
    version = DocumentVersion(
        number=number,
        uploaded_by_id=uploader.id,
        uploaded_at=utcnow(),
        filename=upload.filename,
        size=upload.size,
        sha256=upload.sha256,
        content_type=upload.kind.content_type,
        storage_key=key,
    )
    document.versions.insert(0, version)
    return version


def create_document(coordinator: Person, data: dict, store: DocumentStore) -> Document:
    """Create a document with its first version; visibility defaults by type."""
    document = Document(production_id=coordinator.production_id, visibility=None)
    _describe(document, data)
    db.session.add(document)
    _add_version(document, data["file"], coordinator, store)
    db.session.flush()
    return document


def add_version(coordinator: Person, document: Document, upload: Upload, store: DocumentStore) -> DocumentVersion:
    """Add a new current version, keeping every earlier one."""
    version = _add_version(document, upload, coordinator, store)
    db.session.flush()
    return version


def update_document(document: Document, data: dict) -> Document:
    """Change what a document is, where it belongs and who may see it."""
    _describe(document, {**data, "visibility": data.get("visibility") or document.visibility})
    db.session.flush()
    return document


def archive(document: Document) -> None:
    """Hide a document from crew and the default list; nothing is deleted."""
    if document.archived_at is None:
        document.archived_at = utcnow()


def restore(document: Document) -> None:
    """Bring an archived document back."""
    document.archived_at = None


def version(document: Document, number: int) -> DocumentVersion | None:
    """Return the version with this number, or None."""
    return next((v for v in document.versions if v.number == number), None)
