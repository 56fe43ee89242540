"""A Web Push service on loopback that implements the receiving side of the protocol.

It checks what a real push service checks (RFC 8292 VAPID: an ES256 JWT signed with the
served key, `aud` = this origin, `exp` at most 24 h ahead, a `sub`; RFC 8030 headers; a body
of at most 4096 bytes) and then does what only the phone can do: decrypts the aes128gcm body
(RFC 8291) with the subscriber's private key, so tests read the exact text a person would.
Answers are scriptable per subscription: 201, 404, 410, 413, 429 with Retry-After, 500,
a hang, and a delay. Used by tests/test_push*.py and bench/push_fanout.py.
"""

import base64
import json
import os
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

MAX_BODY = 4096
SUBJECT = re.compile(r"^(mailto:[^@\s]+@[^@\s]+\.[^@\s]+|https://\S+)$")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def browser_keys() -> tuple[ec.EllipticCurvePrivateKey, str, str]:
    """Make what PushManager.subscribe() makes: a P-256 key pair and a 16-byte auth secret."""
    private_key = ec.generate_private_key(ec.SECP256R1())
    point = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return private_key, b64url(point), b64url(os.urandom(16))


@dataclass
class Answer:
    """How the push service answers one request."""

    status: int = 201
    retry_after: str | None = None
    delay: float | None = None  # seconds, instead of the service-wide delay
    hang: bool = False  # hold the request until release() (for client timeouts)
    location: str | None = None  # for redirects


@dataclass
class Received:
    """One request the service accepted and decrypted."""

    plaintext: bytes
    ttl: int
    urgency: str | None
    topic: str | None
    claims: dict
    status: int

    @property
    def text(self) -> str:
        return self.plaintext.decode()

    @property
    def message(self) -> dict:
        return json.loads(self.plaintext)


@dataclass
class Subscriber:
    """The browser's side of one subscription: its keys and its inbox."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    p256dh: str
    auth: str
    script: deque = field(default_factory=deque)
    requests: list = field(default_factory=list)  # every decrypted request, whatever the answer

    @property
    def delivered(self) -> list[Received]:
        """The messages the service accepted (2xx), in order."""
        return [r for r in self.requests if 200 <= r.status < 300]

    @property
    def messages(self) -> list[dict]:
        return [r.message for r in self.delivered]

    def info(self) -> dict:
        """Return the subscription as the browser's toJSON() gives it."""
        return {"endpoint": self.endpoint, "expirationTime": None, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class Rejected(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status


class PushService:
    """A threaded HTTP push service on 127.0.0.1; use as a context manager."""

    def __init__(self, vapid_public_key: str | None = None, delay: float = 0.0):
        self.vapid_public_key = vapid_public_key  # None: accept any key the JWT verifies with
        self.delay = delay
        self.default = Answer(201)
        self.subscribers: dict[str, Subscriber] = {}
        self.rejections: list[tuple[str, str]] = []
        self.hanging = threading.Event()  # set while a request hangs
        self._release = threading.Event()
        self._lock = threading.Lock()
        self.delivered_condition = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "PushService":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *_exc):
        self.stop()

    def subscriber(self) -> Subscriber:
        """Create a subscription as a browser would, with a fresh key pair."""
        private_key, p256dh, auth = browser_keys()
        endpoint = f"{self.origin}/push/{b64url(os.urandom(12))}"
        subscriber = Subscriber(endpoint, private_key, p256dh, auth)
        self.subscribers[endpoint] = subscriber
        return subscriber

    def script(self, subscriber: Subscriber, *answers) -> None:
        """Answer the next requests for this subscription with these statuses or Answers."""
        subscriber.script.extend(a if isinstance(a, Answer) else Answer(a) for a in answers)

    def release(self) -> None:
        """Let hanging requests finish."""
        self._release.set()

    @property
    def total_requests(self) -> int:
        return sum(len(s.requests) for s in self.subscribers.values())

    def _answer_for(self, subscriber: Subscriber) -> Answer:
        with self._lock:
            return subscriber.script.popleft() if subscriber.script else self.default

    def verify_vapid(self, authorization: str) -> dict:
        """Check an RFC 8292 Authorization header; return the JWT claims or raise Rejected."""
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise Rejected(401, f"Authorization scheme {scheme!r} is not vapid")
        parts = dict(p.strip().split("=", 1) for p in params.split(",") if "=" in p)
        token, key = parts.get("t", ""), parts.get("k", "")
        if self.vapid_public_key and key != self.vapid_public_key:
            raise Rejected(403, "k is not the application server key of this subscription")
        try:
            head, body, signature = token.split(".")
            if json.loads(unb64url(head)).get("alg") != "ES256":
                raise Rejected(401, "JWT alg is not ES256")
            raw = unb64url(signature)
            public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
            public.verify(
                encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
                f"{head}.{body}".encode(),
                ec.ECDSA(hashes.SHA256()),
            )
            claims = json.loads(unb64url(body))
        except (ValueError, InvalidSignature) as error:
            raise Rejected(401, f"JWT does not verify: {error!r}") from None
        now = time.time()
        if claims.get("aud") != self.origin:
            raise Rejected(401, f"aud {claims.get('aud')!r} is not {self.origin}")
        if not isinstance(claims.get("exp"), int) or not now < claims["exp"] <= now + 86400:
            raise Rejected(401, "exp must be in the future and at most 24 hours ahead")
        if not SUBJECT.match(str(claims.get("sub", ""))) or "@localhost" in claims["sub"]:
            raise Rejected(401, f"sub {claims.get('sub')!r} is not a real mailto: or https: URL")
        return claims

    def receive(self, path: str, headers, body: bytes) -> tuple[Answer, Subscriber | None]:
        """Check and decrypt one push; return how to answer."""
        subscriber = self.subscribers.get(self.origin + path)
        if subscriber is None:
            raise Rejected(404, "no such subscription")
        claims = self.verify_vapid(headers.get("Authorization", ""))
        if headers.get("TTL") is None or not headers["TTL"].isdigit():
            raise Rejected(400, "TTL header missing")
        if headers.get("Content-Encoding") != "aes128gcm":
            raise Rejected(415, "Content-Encoding must be aes128gcm")
        if len(body) > MAX_BODY:
            raise Rejected(413, f"body of {len(body)} bytes is over {MAX_BODY}")
        topic = headers.get("Topic")
        if topic is not None and not re.match(r"^[A-Za-z0-9_-]{1,32}$", topic):
            raise Rejected(400, f"Topic {topic!r} is not 1-32 base64url characters")
        try:
            plaintext = http_ece.decrypt(
                body, private_key=subscriber.private_key, auth_secret=unb64url(subscriber.auth), version="aes128gcm"
            )
        except Exception as error:  # noqa: BLE001  (any failure means the phone could not read it)
            raise Rejected(400, f"cannot decrypt: {error!r}") from None
        answer = self._answer_for(subscriber)
        with self._lock:
            subscriber.requests.append(
                Received(plaintext, int(headers["TTL"]), headers.get("Urgency"), topic, claims, answer.status)
            )
            self.delivered_condition.notify_all()
        return answer, subscriber


def _handler(service: PushService):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, so clients can reuse connections

        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                answer, _ = service.receive(self.path, self.headers, body)
            except Rejected as rejected:
                service.rejections.append((self.path, str(rejected)))
                return self._reply(Answer(rejected.status))
            delay = service.delay if answer.delay is None else answer.delay
            if delay:
                time.sleep(delay)  # the push service's own latency
            if answer.hang:
                service.hanging.set()
                service._release.wait(30)
            self._reply(answer)

        def _reply(self, answer: Answer):
            try:
                self.send_response(answer.status)
                if answer.retry_after is not None:
                    self.send_header("Retry-After", answer.retry_after)
                if answer.location:
                    self.send_header("Location", answer.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass  # the client gave up (a timeout test)

        def log_message(self, *_args):
            pass

    return Handler


# --- pytest fixtures shared by tests/test_push*.py (import them into a test module) ---------
try:
    import pytest
except ImportError:  # the bench imports this module without pytest
    pytest = None


def vapid_private_key_text() -> str:
    """Return a fresh VAPID private key as base64url of its 32-byte scalar (env-var form)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def configure_push(app, *services: PushService, private_key: str | None = None) -> None:
    """Point an app at loopback push services with its own VAPID key."""
    from app.push import keys
    from app.push.origins import DEFAULT_ALLOWED_ORIGINS

    app.config.update(
        VAPID_PRIVATE_KEY=private_key or vapid_private_key_text(),
        PUSH_ALLOWED_ORIGINS=",".join([*DEFAULT_ALLOWED_ORIGINS, *(s.origin for s in services)]),
        PUSH_TIMEOUT_SECONDS=2.0,
        PUSH_CONCURRENCY=8,
        PUSH_BATCH_SIZE=50,
    )
    app.extensions.pop("push_vapid", None)
    with app.app_context():
        for service in services:
            service.vapid_public_key = keys.public_key()


def add_crew(*names: str, production_title: str = "The Iron Men", with_accounts: bool = True):
    """Create a production and people on it (with user accounts); return the people."""
    from app.auth.models import User
    from app.crew.models import Person
    from app.extensions import db
    from app.schedule.models import Production

    production = Production(title=production_title, timezone="Europe/London")
    db.session.add(production)
    people = []
    for name in names:
        slug = name.lower().replace(" ", ".")
        user = (
            User(email=f"{slug}@{production_title.lower().replace(' ', '')}.example.com", name=name)
            if with_accounts
            else None
        )
        person = Person(production=production, name=name, user=user)
        db.session.add(person)
        people.append(person)
    db.session.flush()
    return people


def subscribe(person, subscriber: Subscriber):
    """Store a loopback subscription for the person's user, as POST /push/subscriptions would."""
    from app.push import subscriptions

    return subscriptions.subscribe(
        person.user_id, subscriber.endpoint, subscriber.p256dh, subscriber.auth, "Mozilla/5.0 (iPhone) Safari/604.1"
    )


def one_person_on_a_broken_and_a_healthy_service(app, broken: PushService, healthy: PushService):
    """Subscribe one crew member's phones on two push services, the first answering 503 from now on.

    The app pauses a service after 2 failures, for 300 s. Returns (person_id, broken_phone, healthy_phone).
    """
    from app.extensions import db

    configure_push(app, broken, healthy)
    app.config.update(PUSH_PAUSE_AFTER_FAILURES=2, PUSH_PAUSE_SECONDS=300)
    with app.app_context():
        (person,) = add_crew("Chris Dunmore")
        broken_phone, healthy_phone = broken.subscriber(), healthy.subscriber()
        subscribe(person, broken_phone)
        subscribe(person, healthy_phone)
        db.session.commit()
        person_id = person.id
    broken.default = Answer(503)
    return person_id, broken_phone, healthy_phone


if pytest is not None:

    @pytest.fixture
    def push_service():
        with PushService() as service:
            yield service

    @pytest.fixture
    def push_app(app, push_service):
        configure_push(app, push_service)
        return app

    @pytest.fixture
    def worker(push_app):
        from app.push.worker import PushWorker

        running = PushWorker(push_app, rng=lambda: 0.5)
        yield running
        running.close()


def wait_for_deliveries(service: PushService, count: int, timeout: float = 20.0) -> bool:
    """Block until the service has accepted `count` messages (or the timeout passes)."""
    deadline = time.monotonic() + timeout
    with service.delivered_condition:
        while sum(len(s.delivered) for s in service.subscribers.values()) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not service.delivered_condition.wait(remaining):
                return False
    return True
