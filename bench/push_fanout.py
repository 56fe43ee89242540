"""Fan-out of one message to 1,000 subscriptions through the outbox, against a push service
that answers after 80 ms, as a ratio to a one-by-one `pywebpush.webpush` loop in the same run.

    .venv/bin/python -m bench.push_fanout [--subscriptions 1000] [--delay 0.08]
                                          [--baseline-sample 100 | --full-baseline]
                                          [--concurrency 32] [--batch-size 128]

The push service (tests/pushservice.py: it verifies every VAPID JWT and decrypts every
body) runs in its own process, as a real one would, so its work does not compete with the
sender's. The baseline is measured on a sample of the same subscriptions (default 100) and
extrapolated per message, unless --full-baseline runs it over all of them (~80 s).
"""

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

from pywebpush import webpush

from app import create_app
from app.extensions import db
from app.push import keys, service
from app.push.payload import build_payload
from app.push.sender import VAPID_LIFETIME_SECONDS
from app.push.worker import PushWorker
from tests.pushservice import PushService, add_crew, subscribe, vapid_private_key_text


class Phone:
    """A subscription made in the push-service process: what the server side stores."""

    def __init__(self, endpoint, p256dh, auth):
        self.endpoint, self.p256dh, self.auth = endpoint, p256dh, auth

    def info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


def _serve(connection, delay):
    """Run the loopback push service in this process, answering commands over a pipe."""
    with PushService(delay=delay) as push_service:
        connection.send(push_service.origin)
        while True:
            command, argument = connection.recv()
            if command == "subscribe":
                connection.send(
                    [(s.endpoint, s.p256dh, s.auth) for s in (push_service.subscriber() for _ in range(argument))]
                )
            elif command == "key":
                push_service.vapid_public_key = argument
                connection.send(True)
            elif command == "stats":
                connection.send(
                    ({e: len(s.delivered) for e, s in push_service.subscribers.items()}, push_service.rejections[:3])
                )
            else:
                connection.send(True)
                return


class RemotePushService:
    """The parent's handle on the push service process."""

    def __init__(self, delay):
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, delay), daemon=True)
        self.process.start()
        self.origin = self.connection.recv()

    def ask(self, command, argument=None):
        self.connection.send((command, argument))
        return self.connection.recv()

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.ask("stop")
        self.process.join(10)


def _setup(app, push_service, count):
    with app.app_context():
        db.create_all()
        people = add_crew(*(f"Crew {n}" for n in range(count)))
        phones = [Phone(*made) for made in push_service.ask("subscribe", count)]
        for person, phone in zip(people, phones):
            subscribe(person, phone)
        service.enqueue(
            [p.id for p in people],
            service.Message(
                title="Your call moved 07:00 → 06:30",
                body="Day 5, Tue 3 Dec · Harbour Warehouse",
                url="/p/1/my-day",
                collapse="day-5",
            ),
        )
        db.session.commit()
    return phones


def _baseline(app, phones, subject):
    with app.app_context():
        vapid = keys.vapid_key()
    payload = build_payload(
        0, "Your call moved 07:00 → 06:30", "Day 5, Tue 3 Dec · Harbour Warehouse", "/p/1/my-day", "day-5"
    )
    started = time.perf_counter()
    for phone in phones:
        webpush(
            phone.info(),
            data=payload.decode(),
            vapid_private_key=vapid,
            timeout=10,
            ttl=3600,
            vapid_claims={"sub": subject, "exp": int(time.time()) + VAPID_LIFETIME_SECONDS},
        )
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--delay", type=float, default=0.08, help="push service answer time, seconds")
    parser.add_argument("--baseline-sample", type=int, default=100)
    parser.add_argument("--full-baseline", action="store_true")
    parser.add_argument("--concurrency", type=int, default=32, help="pushes in flight (PUSH_CONCURRENCY)")
    parser.add_argument("--batch-size", type=int, default=128, help="rows claimed at once (PUSH_BATCH_SIZE)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder, RemotePushService(args.delay) as push_service:
        app = create_app(
            {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite3'}"}
        )
        app.config.update(
            PUSH_BATCH_SIZE=args.batch_size,
            PUSH_CONCURRENCY=args.concurrency,
            PUSH_TIMEOUT_SECONDS=10.0,
            VAPID_PRIVATE_KEY=vapid_private_key_text(),
            PUSH_ALLOWED_ORIGINS=push_service.origin,
        )
        with app.app_context():
            push_service.ask("key", keys.public_key())
        phones = _setup(app, push_service, args.subscriptions)

        worker = PushWorker(app)
        started = time.perf_counter()
        report = worker.drain()
        outbox = time.perf_counter() - started
        worker.close()
        counts, rejections = push_service.ask("stats")
        delivered = sum(counts.values())
        assert report.sent == delivered == args.subscriptions, (report, delivered)
        assert rejections == [], rejections

        sample = phones if args.full_baseline else phones[: args.baseline_sample]
        baseline = _baseline(app, sample, app.config["VAPID_SUBJECT"])
        per_message = baseline / len(sample)
        baseline_total = per_message * args.subscriptions
        counts, rejections = push_service.ask("stats")
        assert all(counts[p.endpoint] == 2 for p in sample) and rejections == [], rejections

    n = args.subscriptions
    print(
        f"push fan-out: {n} subscriptions, push service (own process, verifies VAPID and decrypts) "
        f"answering after {args.delay * 1000:.0f} ms"
    )
    print(
        f"  outbox worker (batch {app.config['PUSH_BATCH_SIZE']}, concurrency "
        f"{app.config['PUSH_CONCURRENCY']}, pooled keep-alive): {outbox:.2f} s "
        f"({n / outbox:.0f} msg/s), all {delivered} decrypted by the push service"
    )
    how = "all" if args.full_baseline else f"a sample of {len(sample)}, extrapolated per message"
    print(
        f"  one-by-one pywebpush.webpush loop ({how}): {per_message * 1000:.1f} ms/message "
        f"→ {baseline_total:.1f} s for {n}"
    )
    ratio = baseline_total / outbox
    print(f"  ratio: {ratio:.1f}x faster (goal ≥ 5x); {n} in {outbox:.2f} s (goal < 10 s)")
    return 0 if ratio >= 5 and outbox < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
