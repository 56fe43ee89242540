"""Workers sharing the outbox: no row sent twice, nothing lost when a worker dies."""

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.push import service
from app.push.models import PENDING, SENT, PushDelivery
from app.push.service import Message
from app.push.worker import PushWorker
from app.timeutil import as_utc, utcnow
from conftest import DATABASE_URL
from pushservice import (  # noqa: F401
    Answer,
    add_crew,
    configure_push,
    one_person_on_a_broken_and_a_healthy_service,
    push_app,
    push_service,
    subscribe,
    vapid_private_key_text,
)

ROOT = Path(__file__).resolve().parent.parent
ON_POSTGRESQL = DATABASE_URL.startswith("postgresql")


def _fan_out(app, push_service, people: int, messages: int):
    with app.app_context():
        crew = add_crew(*(f"Grip {n}" for n in range(people)))
        phones = [push_service.subscriber() for _ in crew]
        for person, phone in zip(crew, phones):
            subscribe(person, phone)
        for n in range(messages):
            service.enqueue([p.id for p in crew], Message(title=f"Call moved {n}", collapse=f"day-{n}"))
        db.session.commit()
    return phones


def test_workers_in_parallel_never_send_a_row_twice(push_app, push_service):
    """On PostgreSQL three workers share the outbox (SKIP LOCKED); SQLite runs one worker."""
    push_service.delay = 0.005
    phones = _fan_out(push_app, push_service, people=40, messages=5)
    workers = [PushWorker(push_app, batch_size=7, concurrency=4) for _ in range(3 if ON_POSTGRESQL else 1)]
    reports = []
    threads = [threading.Thread(target=lambda w=w: reports.append(w.drain())) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker in workers:
        worker.close()
    assert sum(r.sent for r in reports) == 200
    if ON_POSTGRESQL:
        assert all(r.claimed > 0 for r in reports)  # they really shared the work
    for phone in phones:
        titles = Counter(m["title"] for m in phone.messages)
        assert titles == Counter({f"Call moved {n}": 1 for n in range(5)})
    assert push_service.total_requests == 200


def test_a_worker_that_dies_mid_batch_loses_nothing(push_app, push_service):
    phones = _fan_out(push_app, push_service, people=3, messages=1)
    dying = PushWorker(push_app)
    now = utcnow()

    def crash(_pushes):
        raise SystemError("worker killed mid-batch")

    dying.sender.send_all = crash
    with pytest.raises(SystemError):
        dying.run_once(now=now)
    dying.close()
    with push_app.app_context():
        claimed = db.session.scalars(sa.select(PushDelivery)).all()
        assert {(d.state, d.claimed_until is not None) for d in claimed} == {(PENDING, True)}
        lease_end = as_utc(claimed[0].claimed_until)
    survivor = PushWorker(push_app)
    try:
        assert survivor.drain(now=now + timedelta(seconds=1)).claimed == 0  # still leased
        assert survivor.drain(now=lease_end + timedelta(seconds=1)).sent == 3
    finally:
        survivor.close()
    assert [len(p.delivered) for p in phones] == [1, 1, 1]


@pytest.fixture
def shared_database(tmp_path):
    """A database another process can open: PostgreSQL when configured, else a SQLite file."""
    url = DATABASE_URL if ON_POSTGRESQL else f"sqlite:///{tmp_path / 'outbox.sqlite3'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app, url
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_a_sigkilled_worker_process_loses_nothing(shared_database, push_service):
    app, url = shared_database
    private_key = vapid_private_key_text()
    configure_push(app, push_service, private_key=private_key)
    phones = _fan_out(app, push_service, people=2, messages=1)
    push_service.script(phones[0], Answer(hang=True))
    env = {
        **os.environ,
        "FLASK_APP": "app:create_app",
        "DATABASE_URL": url,
        "SECRET_KEY": "test",
        "VAPID_PRIVATE_KEY": private_key,
        "PUSH_ALLOWED_ORIGINS": push_service.origin,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "push", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert push_service.hanging.wait(60), "the worker never reached the push service"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    push_service.release()
    with app.app_context():
        states = Counter((d.state, d.claimed_until is not None) for d in db.session.scalars(sa.select(PushDelivery)))
    assert states[(PENDING, True)] >= 1  # the killed worker's claim is still there
    survivor = PushWorker(app)
    try:
        survivor.drain(now=utcnow() + timedelta(seconds=app.config["PUSH_LEASE_SECONDS"] + 1))
    finally:
        survivor.close()
    with app.app_context():
        assert {d.state for d in db.session.scalars(sa.select(PushDelivery))} == {SENT}
    # At least once: what the killed worker sent but never recorded goes again, with the same
    # Topic and tag, so the phone shows one notification.
    for phone in phones:
        assert len({m["id"] for m in phone.messages}) == 1
        assert len({(r.topic, r.message["tag"]) for r in phone.delivered}) == 1


def test_the_embedded_worker_runs_once_per_host_inside_the_web_server(push_app, push_service, tmp_path):
    from app.push import embedded
    from pushservice import wait_for_deliveries

    push_app.config["PUSH_POLL_SECONDS"] = 0.05
    phones = _fan_out(push_app, push_service, people=2, messages=1)
    lock = str(tmp_path / "push-worker.lock")
    stops = [embedded.start(push_app, lock) for _ in range(2)]  # two gunicorn workers
    try:
        assert wait_for_deliveries(push_service, 2)
    finally:
        for stop in stops:
            stop.set()
        for thread in [t for t in threading.enumerate() if t.name == "push-worker"]:
            thread.join(10)
    assert [len(p.delivered) for p in phones] == [1, 1]


def test_the_embedded_worker_can_be_switched_off_for_standalone_workers(push_app, monkeypatch):
    from app.push import embedded

    monkeypatch.setenv("CALLBOARD_PUSH_WORKER", "off")
    assert embedded.start(push_app) is None


def test_one_workers_trip_pauses_the_push_service_for_every_worker_until_the_pause_ends(push_app, push_service):
    """The pause lives in the database: worker B skips the service worker A tripped, until it ends."""
    from app.push.models import PushServicePause
    from pushservice import PushService

    with PushService() as healthy:
        person_id, broken_phone, healthy_phone = one_person_on_a_broken_and_a_healthy_service(
            push_app, push_service, healthy
        )
        start = utcnow()

        def publish(title, at):
            with push_app.app_context():
                service.enqueue([person_id], Message(title=title, collapse=title), now=at)
                db.session.commit()

        first, second = (PushWorker(push_app, batch_size=1, rng=lambda: 0.0) for _ in range(2))
        try:
            publish("Call moved", start)
            # Each worker sees one failure of the broken service: together they reach the threshold.
            first.drain(now=start)
            assert len(broken_phone.requests) == 1 and len(healthy_phone.delivered) == 1
            retry = start + timedelta(seconds=3)  # backoff: 2.5 s with this jitter
            second.drain(now=retry)
            assert len(broken_phone.requests) == 2
            with push_app.app_context():
                pause = db.session.get(PushServicePause, push_service.origin)
                assert as_utc(pause.paused_until) == retry + timedelta(seconds=300) and pause.trips == 1

            # Both workers now skip it, while the healthy service is still served.
            publish("Wrap moved", start + timedelta(minutes=1))
            for worker in (first, second):
                worker.drain(now=start + timedelta(minutes=1))
                worker.drain(now=start + timedelta(minutes=4))
            assert len(broken_phone.requests) == 2
            assert [m["title"] for m in healthy_phone.messages] == ["Call moved", "Wrap moved"]

            # The pause ends; the service is back: the other worker delivers everything pending.
            push_service.default = Answer(201)
            first.drain(now=retry + timedelta(seconds=299))
            assert len(broken_phone.requests) == 2  # not a second early
            first.drain(now=retry + timedelta(seconds=300))
            assert sorted(m["title"] for m in broken_phone.messages) == ["Call moved", "Wrap moved"]
            with push_app.app_context():
                assert db.session.get(PushServicePause, push_service.origin) is None  # healthy again
        finally:
            first.close()
            second.close()


def test_failures_answered_during_a_pause_do_not_lengthen_it(push_app):
    from app.push.models import PushServicePause
    from app.push.pause import ServicePause

    breaker = ServicePause(threshold=2, seconds=60, max_seconds=600)
    now = utcnow()
    origin = "https://fcm.googleapis.com"
    with push_app.app_context():
        assert breaker.record(now, Counter({origin: 2})) == {origin}
        db.session.commit()
        assert breaker.record(now + timedelta(seconds=10), Counter({origin: 5})) == set()  # late answers
        db.session.commit()
        assert breaker.paused(now + timedelta(seconds=59)) == {origin}
        assert breaker.paused(now + timedelta(seconds=60)) == set()
        # It keeps failing after the pause: the next pause is twice as long.
        assert breaker.record(now + timedelta(seconds=61), Counter({origin: 2})) == {origin}
        db.session.commit()
        pause = db.session.get(PushServicePause, origin)
        assert as_utc(pause.paused_until) == now + timedelta(seconds=61 + 120) and pause.trips == 2
        breaker.record(now + timedelta(seconds=200), Counter(), succeeded={origin})
        db.session.commit()
        assert breaker.paused(now + timedelta(seconds=100)) == set()


def test_workers_failing_at_the_same_moment_trip_the_shared_pause_exactly_once(threaded_app, push_service):
    """Six workers record a failure at once (PostgreSQL, or a SQLite file that serialises them)."""
    push_app = threaded_app
    configure_push(push_app, push_service)
    from app.push.models import PushServicePause
    from app.push.pause import ServicePause

    origin, now = "https://fcm.googleapis.com", utcnow()
    start, tripped, errors = threading.Barrier(6), [], []

    def fail_once():
        breaker = ServicePause(threshold=3, seconds=60, max_seconds=600)
        try:
            with push_app.app_context():
                start.wait(10)
                tripped.append(breaker.record(now, Counter({origin: 1})))
                db.session.commit()
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [threading.Thread(target=fail_once) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(map(len, tripped)) == [0, 0, 0, 0, 0, 1]  # the third failure trips; later ones are ignored
    with push_app.app_context():
        pause = db.session.get(PushServicePause, origin)
        assert pause.trips == 1 and pause.failures == 0 and as_utc(pause.paused_until) == now + timedelta(seconds=60)
