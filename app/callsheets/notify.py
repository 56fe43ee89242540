"""Tell people what a published revision changed for them, through the push outbox.

Called inside the publish transaction (never commits). Per revision of a shoot day:
- the first publication tells everyone called their call ("Your call Tue 3 Dec: 07:00 — Day 5");
- later, each person whose call, pickup, location or scenes changed gets a personal message
  naming the change ("Your call moved 07:00 → 06:30"), and someone no longer called hears so;
- people called but unaffected get one quiet routine "Revision Pink published" (not pushed to
  those who chose "only my changes"; it still reaches their feed);
- people not called get nothing.
Personal messages collapse per person and shoot day (`day-<id>`): a newer change replaces an
undelivered older one. They expire at the person's call time and are urgent on the day itself.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import url_for

from app.callsheets.models import CallSheetRevision
from app.callsheets.viewing import called_people
from app.crew.models import Person
from app.extensions import db
from app.push.service import Message, delivery_report, enqueue_each, report_digest
from app.timeutil import instant_at, today_in, utcnow, zone_of

ORDER = ("called", "released", "call", "pickup", "location", "scenes")
LABELS = {"call": "call", "pickup": "pickup"}
MIN_LIFETIME = timedelta(hours=1)  # a change published after the call still reaches the phone


def source_of(revision: CallSheetRevision) -> str:
    """Name the delivery-report source of a revision's messages."""
    return f"revision:{revision.id}"


def _title(change: dict, content: dict) -> str:
    day = content["day"]
    kind = change["kind"]
    if kind == "called":
        return f"Your call {day['short']}: {change['after']} — Day {day['number']}"
    if kind == "released":
        return f"You are no longer called {day['short']} (was {change['before']})"
    if kind in LABELS and change["before"] and change["after"]:
        return f"Your {LABELS[kind]} moved {change['before']} → {change['after']}"
    if kind == "location":
        return f"Your location moved: {change['after'] or 'none'}"
    if kind == "scenes":
        return "Your " + change["text"][0].lower() + change["text"][1:]
    return change["text"]


def personal_message(changes: list[dict], content: dict, colour: str, url: str, now: datetime,
                     source: str, call_minutes: int | None) -> Message:
    """Compose one person's message: the most important change as title, the rest in the body."""
    ordered = sorted(changes, key=lambda change: ORDER.index(change["kind"]) if change["kind"] in ORDER else 99)
    day = content["day"]
    extra = [change["text"] for change in ordered[1:]]
    body = " · ".join([*extra, f"Day {day['number']}", day["short"], f"Revision {colour}"])
    zone = zone_of(content["production"].get("timezone"))
    shoot_date = date.fromisoformat(day["date"])
    expires_at = max(instant_at(shoot_date, call_minutes, zone), now + MIN_LIFETIME) \
        if call_minutes is not None else None
    today = today_in(zone, now)
    return Message(title=_title(ordered[0], content), body=body, url=url, collapse=f"day-{day['id']}",
                   expires_at=expires_at, urgency="high" if shoot_date <= today else None, source=source)


def _call_minutes(person_id: int, called: dict, changes: list[dict]) -> int | None:
    if person_id in called and called[person_id]["call"] is not None:
        return called[person_id]["call"]
    return next((c.get("before_minutes") for c in changes if c.get("before_minutes") is not None), None)


def notify_published(revision: CallSheetRevision, now: datetime | None = None) -> list:
    """Enqueue the messages a newly published revision owes each person; return the notifications."""
    now = now or utcnow()
    content = revision.content
    called = called_people(content)
    changes = {int(person_id): found for person_id, found in (revision.changes or {}).items()}
    url = url_for("callsheets.revision", production_id=revision.production_id, revision_id=revision.id)
    source = source_of(revision)
    items = []
    for person_id, found in changes.items():
        if found:
            items.append((person_id, personal_message(
                found, content, revision.colour, url, now, source, _call_minutes(person_id, called, found))))
    unaffected = [person_id for person_id in called if not changes.get(person_id)]
    if unaffected:
        day = content["day"]
        quiet = Message(title=f"Revision {revision.colour} published",
                        body=f"Day {day['number']} · {day['short']} · Nothing changed for you",
                        url=url, collapse=f"day-{day['id']}-news", source=source, routine=True,
                        urgency="normal")
        items += [(person_id, quiet) for person_id in unaffected]
    present = set(db.session.scalars(sa.select(Person.id).where(
        Person.production_id == revision.production_id, Person.id.in_({pid for pid, _ in items}))))
    items = [(person_id, message) for person_id, message in items if person_id in present]
    return enqueue_each(items, now) if items else []


@dataclass(frozen=True)
class Reached:
    """One person's line of the delivery report of a revision."""

    person_id: int
    name: str
    phone: str
    status: str  # pushed / pending / failed / no device / feed only
    detail: str
    affected: bool  # something changed for them in this revision


def reach(revision: CallSheetRevision) -> list[Reached]:
    """Return, per person told about a revision, how the message got on; affected people first."""
    report = delivery_report(source_of(revision))
    affected = {int(person_id) for person_id, found in (revision.changes or {}).items() if found}
    people = {person.id: person for person in db.session.scalars(
        sa.select(Person).where(Person.id.in_(report.keys())))} if report else {}
    rows = [Reached(person_id, people[person_id].name, people[person_id].phone or "", found.status,
                    found.detail, person_id in affected)
            for person_id, found in report.items() if person_id in people]
    return sorted(rows, key=lambda row: (not row.affected, row.status == "pushed", row.name))


def unreachable(rows: list[Reached], seen=frozenset()) -> list[Reached]:
    """Return the affected people no device was reached for: the office phones them.

    `seen`: ids of people who opened the revision anyway; they need no call.
    """
    return [row for row in rows if row.affected and row.status in ("failed", "no device")
            and row.person_id not in seen]


def reach_digest(revision: CallSheetRevision) -> list:
    """Return SQL expressions that change whenever reach(revision) can change (for an ETag)."""
    return report_digest(source_of(revision))


def reach_summary(rows: list[Reached]) -> dict[str, int]:
    """Count the people per push status, in display order, leaving out statuses nobody has."""
    counts = {status: 0 for status in ("pushed", "pending", "failed", "no device", "feed only")}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return {status: number for status, number in counts.items() if number}


__all__ = ["notify_published", "personal_message", "source_of", "reach", "unreachable", "reach_digest",
           "reach_summary", "Reached"]
