"""The paperwork a call sheet lists: documents of its day, of its locations, or needed every day.

A published revision freezes the call sheet, never its paperwork: documents are live links,
read on every view with their current version and current visibility, in one query.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.crew.models import Person
from app.documents.models import KINDS, Document, DocumentVersion, size_label
from app.documents.service import visible_to
from app.extensions import db

# Listed in the order of KINDS: permits first, then agreements, insurance, maps, sides ...
KIND_ORDER = sa.case({kind: order for order, kind in enumerate(KINDS)}, value=Document.kind, else_=len(KINDS))


@dataclass(frozen=True)
class Paper:
    """A current document as a call sheet lists it, with the number and size of its current version."""

    id: int
    production_id: int
    title: str
    kind: str
    visibility: str
    needed_on_location: bool
    shoot_day_id: int | None
    location_id: int | None
    version: int
    size: int

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def size_label(self) -> str:
        return size_label(self.size)

    @property
    def every_day(self) -> bool:
        """Attached to no day and no location: it goes with every call sheet it is on."""
        return self.shoot_day_id is None and self.location_id is None

    def belongs_to(self, shoot_day_id: int, location_ids: Iterable[int]) -> bool:
        """Return True when the call sheet of that day, at those locations, lists this paper."""
        if self.shoot_day_id is not None:  # a day's paper stays with its day, wherever it shoots
            return self.shoot_day_id == shoot_day_id
        if self.location_id is not None:
            return self.location_id in set(location_ids)
        return self.needed_on_location


def _belongs(day_ids: list[int], location_ids: list[int]):
    """The SQL twin of Paper.belongs_to for any of the days."""
    no_day = Document.shoot_day_id.is_(None)
    return sa.or_(
        Document.shoot_day_id.in_(day_ids),
        sa.and_(no_day, Document.location_id.in_(location_ids)),
        sa.and_(no_day, Document.location_id.is_(None), Document.needed_on_location.is_(True)),
    )


def paperwork(viewer: Person, places: Mapping[int, Iterable[int]]) -> list[Paper]:
    """Return the current documents viewer may see that belong to any of these shoot days.

    places maps a shoot day id to the ids of the locations on its call sheet. A document
    belongs to a day when it is attached to that day; when it has no day, to one of the
    day's locations; with neither, when it is needed on location (then it is needed every day).
    """
    day_ids = list(places)
    if not day_ids:
        return []
    location_ids = sorted({i for ids in places.values() for i in ids if i is not None})
    later = aliased(DocumentVersion)
    newest = ~sa.exists().where(later.document_id == DocumentVersion.document_id, later.number > DocumentVersion.number)
    rows = db.session.execute(
        sa.select(
            Document.id,
            Document.production_id,
            Document.title,
            Document.kind,
            Document.visibility,
            Document.needed_on_location,
            Document.shoot_day_id,
            Document.location_id,
            DocumentVersion.number,
            DocumentVersion.size,
        )
        .join(DocumentVersion, sa.and_(DocumentVersion.document_id == Document.id, newest))
        .where(
            Document.production_id == viewer.production_id,
            Document.archived_at.is_(None),
            visible_to(viewer),
            _belongs(day_ids, location_ids),
        )
        .order_by(KIND_ORDER, Document.title, Document.id)
    )
    return [Paper(*row) for row in rows]


def needed_on_location(papers: Iterable[Paper], places: Mapping[int, Iterable[int]]) -> list[tuple[int, Paper]]:
    """Return each paper needed on location with the first of the days (in places' order) it belongs to."""
    needed, seen = [], set()
    for day_id, location_ids in places.items():
        location_ids = set(location_ids)
        for paper in papers:
            if paper.needed_on_location and paper.id not in seen and paper.belongs_to(day_id, location_ids):
                needed.append((day_id, paper))
                seen.add(paper.id)
    return needed
