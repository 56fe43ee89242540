"""Passwords, sign-in throttling and server-side device sessions. Never commits."""

import hashlib
import math
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from app.auth.models import DeviceSession, LoginAttempt, User
from app.extensions import db
from app.timeutil import as_utc, utcnow

THROTTLE_WINDOW = timedelta(minutes=1)
PLACEHOLDER_EMAIL_DOMAIN = "invite.invalid"  # accounts made for a person without an email


class Throttled(Exception):
    """Too many failed sign-ins (or current-password checks); retry_after is in seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"Too many failed sign-in attempts. Wait {retry_after} seconds, then try again.")
        self.retry_after = retry_after


class AccountError(Exception):
    """An account change was refused; field names the form field to blame."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _hasher() -> PasswordHasher:
    return PasswordHasher(**current_app.config["PASSWORD_HASH_PARAMS"])


def hash_password(password: str) -> str:
    """Return an argon2id hash of password with the configured cost."""
    return _hasher().hash(password)


def token_digest(token: str) -> str:
    """Return the stored form of a secret token."""
    return hashlib.sha256(token.encode()).hexdigest()


def normal_email(email: str) -> str:
    """Return email the way accounts store it."""
    return email.strip().lower()


def throttle_keys(email: str, ip_address: str) -> list[str]:
    """Return the counters a sign-in attempt is charged to: the account, then the address."""
    return [f"email:{normal_email(email)}", f"ip:{ip_address}"]


def _lock_throttle_keys(keys: list[str]) -> None:
    # Concurrent attempts on one key must not all pass the check before any is counted,
    # so each attempt holds a lock from the check until the view commits.
    if db.session.get_bind().dialect.name == "postgresql":
        for key in sorted(keys):
            lock_id = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
            db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})
    # SQLite has one writer: starting with a write holds the database lock until commit.
    # On PostgreSQL this is only housekeeping.
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at < utcnow() - timedelta(hours=1)))


def check_throttle(keys: list[str], now: datetime | None = None) -> None:
    """Raise Throttled when any key has used up its failed attempts in the last minute."""
    now = now or utcnow()
    limit = current_app.config["LOGIN_ATTEMPTS_PER_MINUTE"]
    waits = []
    for key in keys:
        times = db.session.scalars(
            sa.select(LoginAttempt.at)
            .where(LoginAttempt.key == key, LoginAttempt.at > now - THROTTLE_WINDOW)
            .order_by(LoginAttempt.at)
        ).all()
        if len(times) >= limit:
            # The key is free again when the limit-th most recent failure leaves the window.
            frees_at = as_utc(times[-limit]) + THROTTLE_WINDOW
            waits.append(max(1, math.ceil((frees_at - now).total_seconds())))
    if waits:
        raise Throttled(max(waits))


def _password_matches(user: User | None, password: str) -> bool:
    if user is None or user.password_hash is None:
        _hasher().hash(password)  # spend the same time whether or not the account exists
        return False
    try:
        return _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(email: str, password: str, ip_address: str) -> User | None:
    """Return the user whose password matches, or None; raise Throttled before any hashing."""
    keys = throttle_keys(email, ip_address)
    _lock_throttle_keys(keys)
    check_throttle(keys)
    user = db.session.scalar(sa.select(User).where(User.email == normal_email(email)))
    if not _password_matches(user, password):
        db.session.add_all([LoginAttempt(key=key, at=utcnow()) for key in keys])
        return None
    # Only the account's own counter is cleared: a valid sign-in must not reset an address
    # that is guessing at other accounts.
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.key == keys[0]))
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def needs_current_password(user: User) -> bool:
    """Return True when changing the user's password must first prove the current one."""
    # Only an account that has never had a password may choose one without proof: an invite
    # or a session may not stand in for a password that exists.
    return user.password_hash is not None


def change_password(
    user: User,
    password: str,
    current_password: str | None,
    email: str | None,
    ip_address: str,
    keep_session_id: int | None,
) -> None:
    """Set the user's password (and email, for an account made without one).

    The current password is checked like a sign-in (throttled per account and address,
    before any hashing; a wrong one counts as a failed attempt). Once changed, every other
    device session of the account ends: whoever else held one must sign in again.
    """
    if needs_current_password(user):
        keys = throttle_keys(user.email, ip_address)
        _lock_throttle_keys(keys)
        check_throttle(keys)
        if not _password_matches(user, current_password or ""):
            db.session.add_all([LoginAttempt(key=key, at=utcnow()) for key in keys])
            raise AccountError("current_password", "That is not your current password.")
    if has_placeholder_email(user):
        if not email:
            raise AccountError("email", "Enter the email address you will sign in with.")
        taken = db.session.scalar(sa.select(User.id).where(User.email == normal_email(email), User.id != user.id))
        if taken:
            raise AccountError("email", "That email already has an account. Sign in with it instead.")
        user.email = normal_email(email)
    user.password_hash = hash_password(password)
    end_sessions(user.id, keep_id=keep_session_id)


def has_placeholder_email(user: User) -> bool:
    """Return True for an account created from an invite to a person without an email."""
    return user.email.endswith("@" + PLACEHOLDER_EMAIL_DOMAIN)


def start_session(user: User, user_agent: str, ip_address: str) -> str:
    """Create a device session and return its secret token for the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        DeviceSession(
            user=user, token_hash=token_digest(token), user_agent=user_agent[:200], ip_address=ip_address[:64]
        )
    )
    return token


def session_for_token(token: str | None) -> DeviceSession | None:
    """Return the live device session for a cookie token; end it when idle for too long."""
    if not token:
        return None
    device = db.session.scalar(sa.select(DeviceSession).where(DeviceSession.token_hash == token_digest(token)))
    if device is None:
        return None
    idle_limit = timedelta(days=current_app.config["SESSION_IDLE_DAYS"])
    if utcnow() - as_utc(device.last_seen_at) > idle_limit:
        db.session.delete(device)
        return None
    return device


def touch(device: DeviceSession) -> bool:
    """Record that the device was seen now; only every few minutes, to spare the database."""
    now = utcnow()
    if now - as_utc(device.last_seen_at) <= timedelta(minutes=5):
        return False
    device.last_seen_at = now
    return True


def devices_of(user_id: int) -> list[DeviceSession]:
    """Return a user's signed-in devices, most recently seen first."""
    return list(
        db.session.scalars(
            sa.select(DeviceSession)
            .where(DeviceSession.user_id == user_id)
            .order_by(DeviceSession.last_seen_at.desc(), DeviceSession.id.desc())
        )
    )


def end_sessions(user_id: int, session_id: int | None = None, keep_id: int | None = None) -> int:
    """End one device session of a user, or all of them but keep_id; return how many ended."""
    query = sa.delete(DeviceSession).where(DeviceSession.user_id == user_id)
    if session_id is not None:
        query = query.where(DeviceSession.id == session_id)
    if keep_id is not None:
        query = query.where(DeviceSession.id != keep_id)
    return db.session.execute(query.execution_options(synchronize_session="fetch")).rowcount


def end_sessions_if_on_no_production(user_id: int | None) -> int:
    """End every session of an account that belongs to no production any more; return how many."""
    if user_id is None or db.session.scalar(sa.select(User.memberships.any()).where(User.id == user_id)):
        return 0
    return end_sessions(user_id)
