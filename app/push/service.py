"""Enqueue messages into the feed and the push outbox; read the feed and the delivery report.

Outbox design: `enqueue` writes, in the caller's transaction, one Notification per person
(their feed entry) and one PushDelivery per (notification, current subscription of that
person's user). Fan-out happens here, not at send time, so each delivery has its own
retries, state and error, and the report can say per person: pushed / no device / failed.
A device that subscribes after the enqueue does not get older messages (the feed has them).
Never commits.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.crew.models import Person
from app.extensions import db
from app.push import keys
from app.push.models import (
    DEAD,
    FAILED,
    ONLY_MY_CHANGES,
    PENDING,
    SENT,
    URGENCIES,
    Notification,
    PushDelivery,
    PushSubscription,
)
from app.push.origins import origin_of
from app.push.payload import PayloadTooLarge, build_payload, topic_for
from app.push.subscriptions import preferences
from app.timeutil import as_utc, utcnow


class UnknownRecipient(LookupError):
    """A person id given to enqueue does not exist."""


@dataclass(frozen=True)
class Message:
    """What to tell people: the same text to everyone it is enqueued for."""

    title: str
    body: str = ""
    url: str = "/"  # a same-origin path; the phone caches it before showing the notification
    collapse: str | None = None  # e.g. "day-17": a newer message replaces an undelivered older one
    expires_at: datetime | None = None  # e.g. the call time; default PUSH_DEFAULT_TTL_HOURS
    urgency: str | None = None  # default: high when it expires within PUSH_HIGH_URGENCY_HOURS
    source: str = ""  # the caller's key for delivery_report, e.g. "revision:42"
    routine: bool = False  # routine news is not pushed to people who chose "only my changes"


@dataclass(frozen=True)
class Reach:
    """How one person's message got on: pushed / pending / failed / no device / feed only (their choice)."""

    status: str
    detail: str = ""


def _checked(message: Message, now: datetime) -> tuple[datetime, str]:
    if not message.title.strip() or len(message.title) > 200:
        raise ValueError("A notification needs a title of at most 200 characters.")
    if len(message.url) > 500 or not message.url.startswith("/") or message.url.startswith("//"):
        raise ValueError("A notification links to a path on Callboard, like /p/1/my-day.")
    expires_at = as_utc(message.expires_at) or now + timedelta(hours=current_app.config["PUSH_DEFAULT_TTL_HOURS"])
    urgency = message.urgency
    if urgency is None:
        soon = timedelta(hours=current_app.config["PUSH_HIGH_URGENCY_HOURS"])
        urgency = "high" if expires_at - now <= soon else "normal"
    if urgency not in URGENCIES:
        raise ValueError(f"Urgency must be one of {', '.join(URGENCIES)}.")
    build_payload(0, message.title, "", message.url, (message.collapse or "")[:64])  # may raise
    return expires_at, urgency


def enqueue(person_ids, message: Message, now: datetime | None = None) -> list[Notification]:
    """Write the message to each person's feed and to the outbox for their devices."""
    return enqueue_each([(person_id, message) for person_id in person_ids], now)


def enqueue_each(items, now: datetime | None = None) -> list[Notification]:
    """Write personal messages, given as (person_id, Message) pairs, in the caller's transaction."""
    items = list(items)
    now = now or utcnow()
    people = {
        person.id: person
        for person in db.session.scalars(sa.select(Person).where(Person.id.in_({person_id for person_id, _ in items})))
    }
    missing = {person_id for person_id, _ in items} - people.keys()
    if missing:
        raise UnknownRecipient(f"No such person: {sorted(missing)}")
    wanted = preferences(people)
    devices = _devices_by_user({person.user_id for person in people.values() if person.user_id})
    notifications = []
    for person_id, message in items:
        person = people[person_id]
        held = message.routine and wanted[person_id] == ONLY_MY_CHANGES
        notifications.append(
            _write(
                message,
                now,
                person_id=person_id,
                user_id=person.user_id,
                devices=[] if held else devices.get(person.user_id, []),
                held=held,
            )
        )
    db.session.flush()
    return notifications


def enqueue_for_user(
    user_id: int, message: Message, now: datetime | None = None, only_subscription_id: int | None = None
) -> Notification:
    """Write a message to a user rather than a membership (e.g. a test push to one device)."""
    now = now or utcnow()
    devices = [
        device for device in _devices_by_user({user_id}).get(user_id, []) if only_subscription_id in (None, device.id)
    ]
    notification = _write(message, now, person_id=None, user_id=user_id, devices=devices)
    db.session.flush()
    return notification


def _devices_by_user(user_ids) -> dict[int, list[PushSubscription]]:
    current = keys.current_key_id()
    found: dict[int, list[PushSubscription]] = {}
    for subscription in db.session.scalars(
        sa.select(PushSubscription).where(
            PushSubscription.user_id.in_(user_ids), PushSubscription.vapid_key_id == current
        )
    ):
        found.setdefault(subscription.user_id, []).append(subscription)
    return found


def _write(message: Message, now: datetime, person_id, user_id, devices, held: bool = False) -> Notification:
    expires_at, urgency = _checked(message, now)
    recipient = f"person:{person_id}" if person_id else f"user:{user_id}"
    notification = Notification(
        person_id=person_id,
        user_id=user_id,
        source=message.source[:80],
        title=message.title,
        body=message.body,
        url=message.url,
        tag=(message.collapse or "")[:64],
        topic=topic_for(recipient, message.collapse),
        urgency=urgency,
        created_at=now,
        expires_at=expires_at,
        push_held=held,
    )
    db.session.add(notification)
    for subscription in devices:
        db.session.add(
            PushDelivery(
                notification=notification,
                subscription_id=subscription.id,
                push_service=origin_of(subscription.endpoint)[:200],
                state=PENDING,
                next_attempt_at=now,
                expires_at=expires_at,
                created_at=now,
            )
        )
    return notification


def feed(user_id: int, limit: int = 50) -> list[Notification]:
    """Return the user's latest notifications across their productions, newest first."""
    return db.session.scalars(
        _mine(user_id)
        .options(selectinload(Notification.person).selectinload(Person.production))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    ).all()


def received(
    person_id: int, sources: list[str], recent_source: str | None = None, since: datetime | None = None, limit: int = 5
) -> list[Notification]:
    """Return a person's notifications from `sources`, and from `recent_source` since `since`, newest first."""
    wanted = Notification.source.in_(sources)
    if recent_source is not None:
        wanted = sa.or_(wanted, sa.and_(Notification.source == recent_source, Notification.created_at >= since))
    return db.session.scalars(
        sa.select(Notification)
        .where(Notification.person_id == person_id, wanted)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    ).all()


def unread_count(user_id: int) -> int:
    """Return how many of the user's notifications are unread."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(_mine(user_id).where(Notification.read_at.is_(None)).subquery())
    )


def mark_read(user_id: int, notification_id: int | None = None, now: datetime | None = None) -> int:
    """Mark one (or every) notification of the user read; return how many changed."""
    query = _mine(user_id).where(Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    ids = db.session.scalars(query.with_only_columns(Notification.id)).all()
    if ids:
        db.session.execute(sa.update(Notification).where(Notification.id.in_(ids)).values(read_at=now or utcnow()))
    return len(ids)


def owns(user_id: int, notification_id: int) -> bool:
    """Return True when the notification is addressed to the user."""
    return db.session.scalar(_mine(user_id).where(Notification.id == notification_id)) is not None


def _mine(user_id: int):
    own_people = sa.select(Person.id).where(Person.user_id == user_id)
    return sa.select(Notification).where(
        sa.or_(Notification.user_id == user_id, Notification.person_id.in_(own_people))
    )


def told_and_waiting(person_ids, sources, tag: str) -> tuple[set[int], dict[int, set[str]]]:
    """Return who still has a message of `sources` under the collapse key `tag` waiting in the
    outbox, and for each person the sources that reached them (pushed, or read in the feed)."""
    rows = db.session.execute(
        sa.select(Notification.person_id, Notification.source, Notification.read_at, PushDelivery.state)
        .outerjoin(PushDelivery, PushDelivery.notification_id == Notification.id)
        .where(Notification.person_id.in_(person_ids), Notification.source.in_(sources), Notification.tag == tag[:64])
    ).all()
    waiting, told = set(), {}
    for person_id, source, read_at, state in rows:
        if state == PENDING:
            waiting.add(person_id)
        if state == SENT or read_at is not None:
            told.setdefault(person_id, set()).add(source)
    return waiting, told


def delivery_report(source: str) -> dict[int, Reach]:
    """Return, per person, how the messages of one source got on."""
    rows = db.session.execute(
        sa.select(Notification.person_id, Notification.push_held, PushDelivery.state, PushDelivery.last_error)
        .outerjoin(PushDelivery, PushDelivery.notification_id == Notification.id)
        .where(Notification.source == source, Notification.person_id.is_not(None))
    ).all()
    states: dict[int, list[tuple[str | None, str]]] = {}
    held: set[int] = set()
    for person_id, push_held, state, error in rows:
        states.setdefault(person_id, [])
        if push_held:
            held.add(person_id)
        if state is not None:
            states[person_id].append((state, error or ""))
    report = {}
    for person_id, deliveries in states.items():
        found = {state for state, _ in deliveries}
        if not deliveries:  # routine news held back by their own choice, or no phone subscribed
            report[person_id] = (
                Reach("feed only", "chose only their own changes") if person_id in held else Reach("no device")
            )
        elif SENT in found:
            report[person_id] = Reach("pushed")
        elif PENDING in found:
            report[person_id] = Reach("pending")
        else:
            reasons = sorted({error for state, error in deliveries if state in (FAILED, DEAD)})
            report[person_id] = Reach("failed", "; ".join(reasons))
    return report


def report_digest(source: str) -> list:
    """Return scalar SQL expressions that change whenever delivery_report(source) can change.

    For a caller's cheap "has anything changed?" check (an ETag), composed into its own
    SELECT so it costs no extra round trip: deliveries sent, and deliveries given up on.
    """
    of_source = sa.select(Notification.id).where(Notification.source == source)

    def count(*states):
        return (
            sa.select(sa.func.count(PushDelivery.id))
            .where(PushDelivery.notification_id.in_(of_source), PushDelivery.state.in_(states))
            .scalar_subquery()
        )

    return [count(SENT), count(FAILED, DEAD)]


def prune(older_than: timedelta, now: datetime | None = None) -> int:
    """Delete finished outbox rows older than `older_than`; return how many went."""
    cutoff = (now or utcnow()) - older_than
    result = db.session.execute(
        sa.delete(PushDelivery).where(PushDelivery.state != PENDING, PushDelivery.created_at < cutoff)
    )
    return result.rowcount


__all__ = [
    "Message",
    "Reach",
    "UnknownRecipient",
    "PayloadTooLarge",
    "enqueue",
    "enqueue_each",
    "enqueue_for_user",
    "feed",
    "unread_count",
    "mark_read",
    "owns",
    "delivery_report",
    "report_digest",
    "prune",
]
