"""A person's devices and their notification preferences. Never commits."""

import base64
import binascii
import re

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app

from app.auth.models import DeviceSession
from app.crew.models import Person
from app.extensions import db
from app.push import keys
from app.push.models import ALL_REVISIONS, REVISION_CHOICES, NotificationPreference, PushSubscription
from app.push.origins import EndpointRefused, check_endpoint, parse_origins
from app.timeutil import utcnow

_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


class InvalidSubscription(ValueError):
    """The browser's subscription cannot be used; `field` names the culprit."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class KeyRotated(Exception):
    """The page subscribed with an application-server key that is no longer current."""


class NotFound(LookupError):
    """No such device or membership for this user."""


def allowed_origins():
    """Return the parsed allow-list from PUSH_ALLOWED_ORIGINS."""
    setting = current_app.config["PUSH_ALLOWED_ORIGINS"]
    cache = current_app.extensions.setdefault("push_origins", {})
    key = setting if isinstance(setting, str) else tuple(setting)
    if key not in cache:
        cache[key] = parse_origins(setting)
    return cache[key]


def checked_endpoint(endpoint: str) -> str:
    """Return the endpoint if it is on the allow-list; raise InvalidSubscription otherwise."""
    try:
        return check_endpoint(endpoint, allowed_origins())
    except EndpointRefused as refused:
        raise InvalidSubscription("endpoint", str(refused)) from None


def _decoded(value: str, field: str, length: int, what: str) -> bytes:
    if not isinstance(value, str) or not _BASE64URL.match(value):
        raise InvalidSubscription(field, f"The {what} must be base64url text.")
    try:
        raw = base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise InvalidSubscription(field, f"The {what} must be base64url text.") from None
    if len(raw) != length:
        raise InvalidSubscription(field, f"The {what} must be {length} bytes, not {len(raw)}.")
    return raw


def check_keys(p256dh: str, auth: str) -> None:
    """Raise InvalidSubscription unless p256dh is a P-256 point and auth a 16-byte secret."""
    point = _decoded(p256dh, "p256dh", 65, "p256dh key")
    if point[0] != 0x04:
        raise InvalidSubscription("p256dh", "The p256dh key must be an uncompressed P-256 point.")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise InvalidSubscription("p256dh", "The p256dh key is not a point on P-256.") from None
    _decoded(auth, "auth", 16, "auth secret")


class EndpointTaken(Exception):
    """The endpoint belongs to another account whose session on that browser still lives."""


def subscribe(
    user_id: int,
    endpoint: str,
    p256dh: str,
    auth: str,
    user_agent: str = "",
    key_used: str | None = None,
    device_session_id: int | None = None,
) -> PushSubscription:
    """Store (or refresh) a device's subscription for the user; raise InvalidSubscription.

    An endpoint already stored for another account moves to this one only when the session
    that posted it has ended (a browser holds one subscription per origin, so a new person
    signing in on a shared tablet takes it over). While that session lives, the endpoint is
    refused with EndpointTaken (409): knowing an endpoint is no claim on someone's alerts.
    """
    checked_endpoint(endpoint)
    check_keys(p256dh, auth)
    current = keys.public_key()
    if key_used and key_used.rstrip("=") != current:
        raise KeyRotated()
    subscription = db.session.scalar(sa.select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if subscription is None:
        subscription = PushSubscription(endpoint=endpoint)
        db.session.add(subscription)
    elif subscription.user_id != user_id:
        if _owner_still_signed_in(subscription):
            raise EndpointTaken()
        subscription.created_at, subscription.last_success_at = utcnow(), None  # a new device
    subscription.user_id = user_id
    subscription.device_session_id = device_session_id
    subscription.p256dh, subscription.auth = p256dh, auth
    subscription.vapid_key_id = keys.key_id_of(current)
    subscription.user_agent = device_label(user_agent)
    db.session.flush()
    return subscription


def _owner_still_signed_in(subscription: PushSubscription) -> bool:
    # Ending a session empties device_session_id (ON DELETE SET NULL), and so does an
    # endpoint stored before subscriptions remembered their session: both count as ended.
    if subscription.device_session_id is None:
        return False
    return db.session.get(DeviceSession, subscription.device_session_id) is not None


def device_label(user_agent: str) -> str:
    """Return a short, human name for a browser from its user agent."""
    agent = user_agent or ""
    system = next(
        (
            name
            for token, name in (
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("Android", "Android"),
                ("Windows", "Windows"),
                ("Mac OS X", "Mac"),
                ("CrOS", "Chromebook"),
                ("Linux", "Linux"),
            )
            if token in agent
        ),
        "",
    )
    browser = next(
        (
            name
            for token, name in (
                ("Edg/", "Edge"),
                ("Firefox/", "Firefox"),
                ("CriOS", "Chrome"),
                ("Chrome/", "Chrome"),
                ("Safari/", "Safari"),
            )
            if token in agent
        ),
        "",
    )
    label = " · ".join(part for part in (browser, system) if part)
    return (label or agent[:60] or "Unknown browser")[:200]


def devices(user_id: int) -> list[PushSubscription]:
    """Return the user's subscribed devices, newest first."""
    return db.session.scalars(
        sa.select(PushSubscription)
        .where(PushSubscription.user_id == user_id)
        .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())
    ).all()


def device(user_id: int, subscription_id: int) -> PushSubscription:
    """Return one of the user's devices; raise NotFound for anyone else's."""
    found = db.session.scalar(
        sa.select(PushSubscription).where(PushSubscription.id == subscription_id, PushSubscription.user_id == user_id)
    )
    if found is None:
        raise NotFound()
    return found


def unsubscribe(user_id: int, subscription_id: int | None = None, endpoint: str | None = None) -> None:
    """Forget one of the user's devices, by id or by endpoint; raise NotFound."""
    query = sa.select(PushSubscription).where(PushSubscription.user_id == user_id)
    if subscription_id is not None:
        query = query.where(PushSubscription.id == subscription_id)
    else:
        query = query.where(PushSubscription.endpoint == (endpoint or ""))
    found = db.session.scalar(query)
    if found is None:
        raise NotFound()
    db.session.delete(found)
    db.session.flush()


def needs_resubscribe(subscription: PushSubscription) -> bool:
    """Return True when the device subscribed with a key that has since been rotated."""
    return subscription.vapid_key_id != keys.current_key_id()


def preferences(person_ids) -> dict[int, str]:
    """Return each person's revision preference (default: all revisions)."""
    ids = list(set(person_ids))
    chosen = {
        row.person_id: row.revisions
        for row in db.session.scalars(
            sa.select(NotificationPreference).where(NotificationPreference.person_id.in_(ids))
        )
    }
    return {person_id: chosen.get(person_id, ALL_REVISIONS) for person_id in ids}


def set_preference(user_id: int, person_id: int, revisions: str) -> NotificationPreference:
    """Set which revisions a person wants pushed; raise NotFound for others' memberships."""
    if revisions not in REVISION_CHOICES:
        raise ValueError(revisions)
    person = db.session.scalar(sa.select(Person).where(Person.id == person_id, Person.user_id == user_id))
    if person is None:
        raise NotFound()
    row = db.session.scalar(sa.select(NotificationPreference).where(NotificationPreference.person_id == person_id))
    if row is None:
        row = NotificationPreference(person_id=person_id)
        db.session.add(row)
    row.revisions = revisions
    db.session.flush()
    return row
