"""Who opened and confirmed a revision, the distribution board, and a person's upcoming calls."""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from app.callsheets.changes import compare
from app.callsheets.models import Acknowledgement, CallSheetRevision
from app.callsheets.service import newest_number, newest_revisions
from app.callsheets.viewing import called_people, entry_of
from app.crew.models import Person
from app.extensions import db
from app.schedule.models import ShootDay
from app.timeutil import as_utc, utcnow


class NotCalled(Exception):
    """The person is not called on this revision."""


class NewerRevision(Exception):
    """A newer revision of the same call sheet has been published."""

    def __init__(self, number: int):
        super().__init__(
            f"This is an older call sheet: revision {number} has been published since. "
            "Read the new one and confirm that."
        )
        self.number = number


@dataclass
class UpcomingCall:
    """A person's call on a shoot day, as the latest published revision says."""

    revision: CallSheetRevision
    date: date
    entry: dict


def acknowledgement(revision: CallSheetRevision, person: Person) -> Acknowledgement | None:
    """Return the person's acknowledgement of a revision, if any."""
    return db.session.scalar(
        sa.select(Acknowledgement).where(
            Acknowledgement.revision_id == revision.id, Acknowledgement.person_id == person.id
        )
    )


def acknowledgement_for(revision: CallSheetRevision, person: Person) -> Acknowledgement:
    """Return the person's acknowledgement row of a revision, adding it when there is none."""
    found = acknowledgement(revision, person)
    if found is None:
        found = Acknowledgement(production_id=revision.production_id, revision_id=revision.id, person_id=person.id)
        db.session.add(found)
    return found


def record_opened(revision: CallSheetRevision, person: Person, at: datetime | None = None) -> Acknowledgement | None:
    """Record the first time a called person opened a revision; None when not called."""
    if entry_of(revision.content, person.id) is None:
        return None
    found = acknowledgement_for(revision, person)
    if found.opened_at is None:
        found.opened_at = at or utcnow()
    return found


def as_it_stands(revision: CallSheetRevision, person: Person) -> Acknowledgement | None:
    """Return the person's acknowledgement without recording Opened (unsaved if none); None when not called."""
    if entry_of(revision.content, person.id) is None:
        return None
    return acknowledgement(revision, person) or Acknowledgement(
        production_id=revision.production_id, revision_id=revision.id, person_id=person.id
    )


def opened(revision: CallSheetRevision, person: Person, prefetch: bool) -> Acknowledgement | None:
    """Record Opened for a page a person reads; a page saved ahead of time (prefetch) records nothing."""
    return as_it_stands(revision, person) if prefetch else record_opened(revision, person)


def confirm(revision: CallSheetRevision, person: Person, at: datetime | None = None) -> Acknowledgement:
    """Record that a called person confirmed receipt of the newest revision (first time only)."""
    if entry_of(revision.content, person.id) is None:
        raise NotCalled("You are not called on this call sheet, so there is nothing to confirm.")
    newest = newest_number(revision.shoot_day_id)
    if newest > revision.number:
        raise NewerRevision(newest)
    found = acknowledgement_for(revision, person)
    moment = at or utcnow()
    found.opened_at = found.opened_at or moment
    found.confirmed_at = found.confirmed_at or moment
    return found


def board_version(revision: CallSheetRevision, also=()) -> str:
    """Return a token that changes whenever someone opens or confirms the revision.

    `also`: more scalar SQL expressions whose values belong in the token (the push reach),
    read in the same query.
    """
    # Opened and confirmed times are set once and never cleared, so counting them is enough.
    values = db.session.execute(
        sa.select(sa.func.count(Acknowledgement.opened_at), sa.func.count(Acknowledgement.confirmed_at), *also).where(
            Acknowledgement.revision_id == revision.id
        )
    ).one()
    return ".".join(str(value) for value in values)


def seen_by(revision: CallSheetRevision) -> set[int]:
    """Return the ids of the people who opened (or confirmed) the revision."""
    return set(
        db.session.scalars(
            sa.select(Acknowledgement.person_id).where(
                Acknowledgement.revision_id == revision.id,
                sa.or_(Acknowledgement.opened_at.is_not(None), Acknowledgement.confirmed_at.is_not(None)),
            )
        )
    )


def board(revision: CallSheetRevision, unconfirmed_only: bool = False) -> dict:
    """Return each called person's state for a revision (not opened / opened / confirmed), counts,
    and `seen`: everyone (called or not) who opened or confirmed it."""
    acks = {
        a.person_id: a
        for a in db.session.scalars(sa.select(Acknowledgement).where(Acknowledgement.revision_id == revision.id))
    }
    phones = {e["id"]: e["phone"] for e in revision.content["cast"]}
    phones.update({e["id"]: e["phone"] for d in revision.content["departments"] for e in d["crew"]})
    rows, counts = [], {"confirmed": 0, "opened": 0, "not_opened": 0}
    for person_id, person in called_people(revision.content).items():
        ack = acks.get(person_id)
        opened, confirmed = as_utc(ack and ack.opened_at), as_utc(ack and ack.confirmed_at)
        state = "confirmed" if confirmed else "opened" if opened else "not_opened"
        counts[state] += 1
        if unconfirmed_only and confirmed:
            continue
        rows.append(
            {
                "id": person_id,
                "name": person["name"],
                "job": person["job"],
                "department": person["department"],
                "phone": phones.get(person_id, ""),
                "state": state,
                "opened_at": opened,
                "confirmed_at": confirmed,
            }
        )
    counts["total"] = sum(counts.values())
    seen = {person_id for person_id, ack in acks.items() if ack.opened_at or ack.confirmed_at}
    return {"rows": rows, "counts": counts, "seen": seen}


def upcoming_calls(person: Person, today: date) -> list[UpcomingCall]:
    """Return the person's calls from today on, each from the latest published revision of its day."""
    rows = db.session.execute(
        newest_revisions(CallSheetRevision.production_id == person.production_id)
        .add_columns(ShootDay.date)
        .join(ShootDay, ShootDay.id == CallSheetRevision.shoot_day_id)
        .where(ShootDay.production_id == person.production_id, ShootDay.date >= today)
        .order_by(ShootDay.date)
        .options(undefer(CallSheetRevision.content))
    ).all()
    calls = []
    for revision, day in rows:
        entry = entry_of(revision.content, person.id)
        if entry is not None:
            calls.append(UpcomingCall(revision, day, entry))
    return calls


def last_seen(revision: CallSheetRevision, person: Person) -> CallSheetRevision | None:
    """Return the earlier revision of the same day the person last opened, else the day's first.

    Someone who never opened one still heard the first revision's call by push or feed.
    """
    earlier = (
        sa.select(CallSheetRevision)
        .where(CallSheetRevision.shoot_day_id == revision.shoot_day_id, CallSheetRevision.number < revision.number)
        .options(undefer(CallSheetRevision.content))
    )
    opened = earlier.join(Acknowledgement, Acknowledgement.revision_id == CallSheetRevision.id).where(
        Acknowledgement.person_id == person.id, Acknowledgement.opened_at.is_not(None)
    )
    return db.session.scalar(opened.order_by(CallSheetRevision.number.desc()).limit(1)) or db.session.scalar(
        earlier.order_by(CallSheetRevision.number).limit(1)
    )


def since_last_seen(
    revision: CallSheetRevision, person: Person, ack: Acknowledgement | None
) -> tuple[CallSheetRevision | None, list[dict]]:
    """Return what changed on the person's sheet since the revision they last looked at.

    Cumulative over every revision they missed; empty once they confirmed this one.
    """
    if ack is None or ack.confirmed_at is not None:
        return None, []
    seen = last_seen(revision, person)
    if seen is None:
        return None, []
    return seen, compare(seen.content, revision.content).get(str(person.id), [])


def earlier_times(changes: list[dict]) -> dict[str, str]:
    """Return what a person's own times were before (`{"call": "07:00", ...}`), for "was 07:00"."""
    return {
        change["kind"]: change["before"]
        for change in changes
        if change.get("scope") == "person" and change.get("category") == "time" and change.get("before")
    }
