"""Send encrypted pushes over one pooled, redirect-refusing HTTP session, several at a time."""

import email.utils
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC

import requests
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from requests.adapters import HTTPAdapter

from app.push.origins import origin_of

VAPID_LIFETIME_SECONDS = 12 * 60 * 60  # push services refuse more than 24 h
CONNECT_TIMEOUT_SECONDS = 3.05


@dataclass(frozen=True)
class Outgoing:
    """Everything a sending thread needs, detached from the database session."""

    delivery_id: int
    endpoint: str
    p256dh: str
    auth: str
    payload: bytes
    ttl: int
    urgency: str
    topic: str | None


@dataclass(frozen=True)
class Outcome:
    """What the push service said: an HTTP status, or None with a network error."""

    delivery_id: int
    status: int | None
    error: str = ""
    retry_after: float | None = None
    permanent: bool = False  # a failure that no retry can fix


class _NoRedirects(requests.Session):
    """A session that never follows a redirect: an endpoint must not send us elsewhere."""

    def __init__(self):
        super().__init__()
        self.max_redirects = 0

    def request(self, *args, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


def http_session(concurrency: int) -> requests.Session:
    """Return a session whose connection pool holds one connection per sending thread."""
    session = _NoRedirects()
    adapter = HTTPAdapter(pool_connections=16, pool_maxsize=concurrency, max_retries=0, pool_block=True)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.trust_env = False  # no proxy from the environment between us and the push service
    return session


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Return the seconds a Retry-After header asks for (delta or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now if now is not None else time.time()
    return max(0.0, when.timestamp() - now)


class PushSender:
    """Send Outgoing pushes with bounded concurrency and connection reuse."""

    def __init__(
        self,
        vapid: Vapid,
        subject: str,
        concurrency: int = 32,
        timeout: float = 10.0,
        connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
    ):
        self.vapid = vapid
        self.subject = subject
        self.timeout = (connect_timeout, timeout)
        self.session = http_session(concurrency)
        self.pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="push-send")

    def send_all(self, pushes: list[Outgoing]) -> list[Outcome]:
        """Send every push; return one Outcome each, in order."""
        return list(self.pool.map(self.send, pushes))

    def send(self, push: Outgoing) -> Outcome:
        """Encrypt, sign and POST one push; never raise."""
        # pywebpush writes `aud` and `exp` into the claims dict it is given: a fresh one
        # per send keeps one push service's `aud` from leaking into the next request.
        claims = {
            "sub": self.subject,
            "aud": origin_of(push.endpoint),
            "exp": int(time.time()) + VAPID_LIFETIME_SECONDS,
        }
        headers = {"Urgency": push.urgency}
        if push.topic:
            headers["Topic"] = push.topic
        try:
            response = webpush(
                {"endpoint": push.endpoint, "keys": {"p256dh": push.p256dh, "auth": push.auth}},
                data=push.payload,
                vapid_private_key=self.vapid,
                vapid_claims=claims,
                ttl=max(0, push.ttl),
                headers=headers,
                timeout=self.timeout,
                requests_session=self.session,
            )
            return Outcome(push.delivery_id, response.status_code)
        except WebPushException as failure:
            response = failure.response
            if response is None:
                return Outcome(push.delivery_id, None, failure.message[:300])
            return Outcome(
                push.delivery_id,
                response.status_code,
                f"{response.status_code} {response.reason or ''}".strip()[:300],
                parse_retry_after(response.headers.get("Retry-After")),
            )
        except requests.TooManyRedirects:
            return Outcome(
                push.delivery_id, None, "The push service redirected; redirects are not followed.", permanent=True
            )
        except requests.RequestException as failure:
            return Outcome(push.delivery_id, None, f"{type(failure).__name__}: {failure}"[:300])
        except Exception as failure:  # a bad key must not take the whole batch down
            return Outcome(push.delivery_id, None, f"{type(failure).__name__}: {failure}"[:300], permanent=True)

    def close(self) -> None:
        """Stop the threads and close pooled connections."""
        self.pool.shutdown(wait=True)
        self.session.close()
