"""Passwords, sign-in throttling, server-side device sessions and invites. Never commits."""
import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from app.auth.models import DeviceSession, Invite, LoginAttempt, User
from app.extensions import db
from app.timeutil import as_utc, utcnow


class Throttled(Exception):
    """Too many failed sign-ins; retry_after is in seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"Too many attempts. Try again in {retry_after} seconds.")
        self.retry_after = retry_after


class InviteInvalid(Exception):
    """The invite link is unknown, used or expired."""


def _hasher() -> PasswordHasher:
    return PasswordHasher(**current_app.config["PASSWORD_HASH_PARAMS"])


def hash_password(password: str) -> str:
    """Return an argon2id hash of password."""
    return _hasher().hash(password)


def token_digest(token: str) -> str:
    """Return the stored form of a secret token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _throttle_keys(email: str, ip_address: str) -> list[str]:
    return [f"email:{email.strip().lower()}", f"ip:{ip_address}"]


def check_throttle(email: str, ip_address: str, now: datetime | None = None) -> None:
    """Raise Throttled when the account or address has used up its attempts this minute."""
    now = now or utcnow()
    window_start = now - timedelta(minutes=1)
    limit = current_app.config["LOGIN_ATTEMPTS_PER_MINUTE"]
    for key in _throttle_keys(email, ip_address):
        times = db.session.scalars(
            sa.select(LoginAttempt.at).where(LoginAttempt.key == key, LoginAttempt.at > window_start)
            .order_by(LoginAttempt.at)).all()
        if len(times) >= limit:
            oldest = as_utc(times[-limit])
            raise Throttled(max(1, int((oldest + timedelta(minutes=1) - now).total_seconds()) + 1))


def record_failed_attempt(email: str, ip_address: str) -> None:
    """Count a failed sign-in against the account and the address."""
    for key in _throttle_keys(email, ip_address):
        db.session.add(LoginAttempt(key=key))
    db.session.execute(sa.delete(LoginAttempt).where(
        LoginAttempt.at < utcnow() - timedelta(hours=1)))


def authenticate(email: str, password: str, ip_address: str) -> User | None:
    """Return the user whose password matches, after the throttle check; None otherwise."""
    check_throttle(email, ip_address)
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    try:
        if user is None or user.password_hash is None:
            _hasher().hash(password)  # spend the same time whether or not the account exists
            raise VerificationError()
        _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        record_failed_attempt(email, ip_address)
        return None
    return user


def start_session(user: User, user_agent: str, ip_address: str) -> str:
    """Create a device session and return its secret token for the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(DeviceSession(user=user, token_hash=token_digest(token),
                                 user_agent=user_agent[:200], ip_address=ip_address[:64]))
    return token


def session_for_token(token: str | None) -> DeviceSession | None:
    """Return the live device session for a cookie token, touching its last-seen time."""
    if not token:
        return None
    device = db.session.scalar(sa.select(DeviceSession).where(
        DeviceSession.token_hash == token_digest(token)))
    if device is None:
        return None
    now = utcnow()
    idle_limit = timedelta(days=current_app.config["SESSION_IDLE_DAYS"])
    if now - as_utc(device.last_seen_at) > idle_limit:
        db.session.delete(device)
        return None
    if now - as_utc(device.last_seen_at) > timedelta(minutes=5):
        device.last_seen_at = now
    return device


def end_sessions(user_id: int, session_id: int | None = None) -> int:
    """End one device session of a user, or all of them; return how many ended."""
    query = sa.delete(DeviceSession).where(DeviceSession.user_id == user_id)
    if session_id is not None:
        query = query.where(DeviceSession.id == session_id)
    return db.session.execute(query).rowcount


def create_invite(person, now: datetime | None = None) -> str:
    """Create a single-use invite for person and return its secret token."""
    token = secrets.token_urlsafe(24)
    now = now or utcnow()
    ttl = timedelta(hours=current_app.config["INVITE_TTL_HOURS"])
    db.session.add(Invite(production_id=person.production_id, person_id=person.id,
                          token_hash=token_digest(token), created_at=now, expires_at=now + ttl))
    return token


def find_invite(token: str) -> Invite:
    """Return the usable invite for token, or raise InviteInvalid."""
    invite = db.session.scalar(sa.select(Invite).where(Invite.token_hash == token_digest(token)))
    if invite is None or invite.used_at is not None or as_utc(invite.expires_at) < utcnow():
        raise InviteInvalid("This invite link has expired or was already used. "
                            "Ask the production office for a new one.")
    return invite


def accept_invite(token: str) -> User:
    """Use up the invite: link or create the person's account and return it."""
    invite = find_invite(token)
    person = invite.person
    invite.used_at = utcnow()
    email = (person.email or "").lower()
    user = person.user or db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email or f"person-{person.id}@invite.invalid", name=person.name)
        db.session.add(user)
    person.user = user
    return user
