"""Tell people what a published revision changed for them, through the push outbox.

Called inside the publish transaction (never commits). Per revision of a shoot day:
- the first publication tells everyone called their call ("Your call Tue 3 Dec: 07:00 — Day 5");
- later, each person with anything changed on their sheet (`app.callsheets.changes`: their
  times, their department, their scenes, or a day-wide part such as lunch or safety) gets a
  personal message naming the most important change ("Your call moved 07:00 → 06:30",
  "Lunch moved 13:00 → 12:30") and the rest in the body; someone no longer called hears so;
  a message whose changes are all minor ("other": weather, notes, walkies) is routine;
- people called but unaffected get one quiet routine "Revision Pink published … Nothing
  changed for you" (not pushed to those who chose "only my changes"; it still reaches their feed);
- people not called get nothing.
Personal messages collapse per person and shoot day (`day-<id>`): a newer change replaces an
undelivered older one, so when a person's earlier message about the day has not reached a phone
yet, the new one says the cumulative change since the revision they were last told about
(a message delivered or read) or last opened (`cumulative_changes`). They expire at the person's
call time and are urgent on the day itself.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import url_for

from app.callsheets.changes import compare
from app.callsheets.models import Acknowledgement, CallSheetRevision
from app.callsheets.viewing import called_people
from app.crew.models import Person
from app.extensions import db
from app.push.service import Message, delivery_report, enqueue_each, report_digest, told_and_waiting
from app.schedule.rest import Shortfall
from app.timeutil import format_clock, instant_at, today_in, utcnow, zone_of

LEGACY_TIME_KINDS = ("call", "pickup")  # changes stored before they carried a category
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
    category = change.get("category", "time" if kind in LEGACY_TIME_KINDS else None)
    if category == "time" and change["before"] and change["after"]:
        label = change["text"][: change["text"].rindex(f" {change['before']} → ")]
        mine = change.get("scope", "person") == "person"
        return f"{'Your ' + label.lower() if mine else label} moved {change['before']} → {change['after']}"
    if kind == "location":
        return f"Your location moved: {change['after'] or 'none'}"
    if kind == "scenes":
        return "Your " + change["text"][0].lower() + change["text"][1:]
    return change["text"]


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def forced_note(short: Shortfall) -> str:
    """Say why a forced call is short of rest and that the office agreed it."""
    return (
        f"{_hours(short.required_minutes - short.short_by_minutes)} rest after your last wrap "
        f"(minimum {_hours(short.required_minutes)}), agreed by the office"
    )


def personal_message(
    changes: list[dict],
    content: dict,
    colour: str,
    url: str,
    now: datetime,
    source: str,
    call_minutes: int | None,
    forced: Shortfall | None = None,
) -> Message:
    """Compose one person's message: the most important change as title, the rest in the body.

    `changes` come ranked from `app.callsheets.changes.compare`; only minor ones make it routine.
    A forced call (short rest) leads the title with the rest it leaves and never is routine.
    """
    day = content["day"]
    if forced is not None:
        title = f"Your call {day['short']} {format_clock(forced.call)} — {forced_note(forced)}"
        return _message(
            title,
            [change["text"] for change in changes if change["kind"] not in ("call", "called")],
            content,
            colour,
            url,
            now,
            source,
            call_minutes,
            routine=False,
        )
    return _message(
        _title(changes[0], content),
        [change["text"] for change in changes[1:]],
        content,
        colour,
        url,
        now,
        source,
        call_minutes,
        routine=all(change.get("category") == "other" for change in changes),
    )


def _message(
    title: str,
    extra: list[str],
    content: dict,
    colour: str,
    url: str,
    now: datetime,
    source: str,
    call_minutes: int | None,
    routine: bool,
) -> Message:
    day = content["day"]
    body = " · ".join([*extra, f"Day {day['number']}", day["short"], f"Revision {colour}"])
    zone = zone_of(content["production"].get("timezone"))
    shoot_date = date.fromisoformat(day["date"])
    expires_at = (
        max(instant_at(shoot_date, call_minutes, zone), now + MIN_LIFETIME) if call_minutes is not None else None
    )
    today = today_in(zone, now)
    return Message(
        title=title,
        body=body,
        url=url,
        collapse=f"day-{day['id']}",
        expires_at=expires_at,
        urgency="high" if shoot_date <= today else None,
        source=source,
        routine=routine,
    )


def _call_minutes(person_id: int, called: dict, changes: list[dict]) -> int | None:
    if person_id in called and called[person_id]["call"] is not None:
        return called[person_id]["call"]
    return next((c.get("before_minutes") for c in changes if c.get("before_minutes") is not None), None)


def _last_told(revision: CallSheetRevision, person_ids) -> dict[int, int]:
    """Return, for each person whose earlier personal message about the day still waits in the
    outbox, the newest earlier revision they were told about (delivered or read) or opened, else
    the day's first. People without such a waiting message are left out."""
    earlier = dict(
        db.session.execute(
            sa.select(CallSheetRevision.id, CallSheetRevision.number).where(
                CallSheetRevision.shoot_day_id == revision.shoot_day_id, CallSheetRevision.number < revision.number
            )
        ).all()
    )
    if not earlier or not person_ids:
        return {}
    sources = {f"revision:{revision_id}": number for revision_id, number in earlier.items()}
    waiting, reached = told_and_waiting(person_ids, sources, f"day-{revision.content['day']['id']}")
    told = {person_id: max(sources[source] for source in found) for person_id, found in reached.items()}
    for person_id, number in db.session.execute(
        sa.select(Acknowledgement.person_id, sa.func.max(CallSheetRevision.number))
        .join(CallSheetRevision, CallSheetRevision.id == Acknowledgement.revision_id)
        .where(
            Acknowledgement.person_id.in_(waiting),
            Acknowledgement.opened_at.is_not(None),
            CallSheetRevision.id.in_(earlier),
        )
        .group_by(Acknowledgement.person_id)
    ):
        told[person_id] = max(told.get(person_id, 0), number)
    first = min(earlier.values())  # as `acknowledgements.last_seen`: the first revision's call was heard
    return {person_id: told.get(person_id, first) for person_id in waiting}


def cumulative_changes(revision: CallSheetRevision, person_ids) -> dict[int, tuple[int, list[dict]]]:
    """Return, for each person whose earlier message about the day has not reached them, the
    revision number they last knew and what changed for them since then."""
    last = _last_told(revision, person_ids)
    contents = (
        {
            number: content
            for number, content in db.session.execute(
                sa.select(CallSheetRevision.number, CallSheetRevision.content).where(
                    CallSheetRevision.shoot_day_id == revision.shoot_day_id,
                    CallSheetRevision.number.in_(set(last.values())),
                )
            )
        }
        if last
        else {}
    )
    return {
        person_id: (number, compare(contents[number], revision.content).get(str(person_id), []))
        for person_id, number in last.items()
    }


def notify_published(revision: CallSheetRevision, now: datetime | None = None, forced=()) -> list:
    """Enqueue the messages a newly published revision owes each person; return the notifications.

    `forced`: the rest shortfalls the office acknowledged; those calling someone on this day
    are named in that person's message.
    """
    now = now or utcnow()
    content = revision.content
    called = called_people(content)
    changes = {int(person_id): found for person_id, found in (revision.changes or {}).items()}
    short = {s.person_id: s for s in forced if s.call_day_id == revision.shoot_day_id and s.person_id in called}
    url = url_for("callsheets.revision", production_id=revision.production_id, revision_id=revision.id)
    source = source_of(revision)
    items = []
    replacing = cumulative_changes(revision, [*changes, *short])
    for person_id in dict.fromkeys([*changes, *short]):
        found = changes.get(person_id, [])
        if person_id in replacing:  # the message this one replaces never arrived: say it all
            known, found = replacing[person_id]
            if not found and person_id not in short:
                day = content["day"]
                items.append(
                    (
                        person_id,
                        Message(
                            title=f"Revision {revision.colour} published",
                            body=(
                                f"Day {day['number']} · {day['short']} · Nothing changed for you since revision {known}"
                            ),
                            url=url,
                            collapse=f"day-{day['id']}",
                            source=source,
                            routine=True,
                            urgency="normal",
                        ),
                    )
                )
                continue
        if found or person_id in short:
            items.append(
                (
                    person_id,
                    personal_message(
                        found,
                        content,
                        revision.colour,
                        url,
                        now,
                        source,
                        _call_minutes(person_id, called, found),
                        short.get(person_id),
                    ),
                )
            )
    unaffected = [person_id for person_id in called if not changes.get(person_id) and person_id not in short]
    if unaffected:
        day = content["day"]
        quiet = Message(
            title=f"Revision {revision.colour} published",
            body=f"Day {day['number']} · {day['short']} · Nothing changed for you",
            url=url,
            collapse=f"day-{day['id']}-news",
            source=source,
            routine=True,
            urgency="normal",
        )
        items += [(person_id, quiet) for person_id in unaffected]
    present = set(
        db.session.scalars(
            sa.select(Person.id).where(
                Person.production_id == revision.production_id, Person.id.in_({pid for pid, _ in items})
            )
        )
    )
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
    people = (
        {person.id: person for person in db.session.scalars(sa.select(Person).where(Person.id.in_(report.keys())))}
        if report
        else {}
    )
    rows = [
        Reached(
            person_id,
            people[person_id].name,
            people[person_id].phone or "",
            found.status,
            found.detail,
            person_id in affected,
        )
        for person_id, found in report.items()
        if person_id in people
    ]
    return sorted(rows, key=lambda row: (not row.affected, row.status == "pushed", row.name))


def unreachable(rows: list[Reached], seen=frozenset()) -> list[Reached]:
    """Return the affected people no device was reached for: the office phones them.

    `seen`: ids of people who opened the revision anyway; they need no call.
    """
    return [row for row in rows if row.affected and row.status in ("failed", "no device") and row.person_id not in seen]


def reach_digest(revision: CallSheetRevision) -> list:
    """Return SQL expressions that change whenever reach(revision) can change (for an ETag)."""
    return report_digest(source_of(revision))


def reach_summary(rows: list[Reached]) -> dict[str, int]:
    """Count the people per push status, in display order, leaving out statuses nobody has."""
    counts = {status: 0 for status in ("pushed", "pending", "failed", "no device", "feed only")}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return {status: number for status, number in counts.items() if number}


__all__ = [
    "notify_published",
    "personal_message",
    "source_of",
    "reach",
    "unreachable",
    "reach_digest",
    "reach_summary",
    "Reached",
]
