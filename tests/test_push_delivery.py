"""Enqueue into the outbox, and what the worker does with each answer of a push service."""

import base64
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.crew.models import Person
from app.extensions import db
from app.push import service
from app.push.models import DEAD, FAILED, PENDING, SENT, Notification, PushDelivery, PushSubscription
from app.push.payload import MAX_PLAINTEXT, PayloadTooLarge, build_payload
from app.push.service import Message
from app.push.worker import PushWorker
from app.timeutil import as_utc, utcnow
from pushservice import (  # noqa: F401
    Answer,
    PushService,
    add_crew,
    configure_push,
    one_person_on_a_broken_and_a_healthy_service,
    push_app,
    push_service,
    subscribe,
    worker,
)

CALL_MOVED = Message(
    title="Your call moved 07:00 → 06:30",
    body="Day 5, Tue 3 Dec · Harbour Warehouse · crew parking Kings Dock level 2",
    url="/p/1/my-day",
    collapse="day-5",
    source="revision:7",
)


def _deliveries():
    return db.session.scalars(sa.select(PushDelivery).order_by(PushDelivery.id)).all()


def _setup(app, push_service, *names, devices=1):
    """Create people with `devices` loopback subscriptions each; return (person ids, subscribers)."""
    with app.app_context():
        people = add_crew(*names)
        phones = {}
        for person in people:
            phones[person.id] = [push_service.subscriber() for _ in range(devices)]
            for phone in phones[person.id]:
                subscribe(person, phone)
        db.session.commit()
        return [p.id for p in people], phones


def test_enqueue_writes_feed_and_outbox_rows_in_the_callers_transaction(push_app, push_service):
    ids, _ = _setup(push_app, push_service, "Chris Dunmore", devices=2)
    with push_app.app_context():
        service.enqueue(ids, CALL_MOVED)
        assert db.session.query(Notification).count() == 1
        assert db.session.query(PushDelivery).count() == 2
        db.session.rollback()  # the caller's publish failed: nothing of the message remains
        assert db.session.query(Notification).count() == 0
        assert db.session.query(PushDelivery).count() == 0


def test_worker_delivers_the_exact_text_each_person_reads(push_app, push_service, worker):
    ids, phones = _setup(push_app, push_service, "Chris Dunmore", "Robin Hale", devices=2)
    chris, robin = ids
    with push_app.app_context():
        notes = service.enqueue_each(
            [
                (chris, CALL_MOVED),
                (
                    robin,
                    Message(
                        title="Revision Pink published",
                        body="Nothing changed for you.",
                        url="/p/1/my-day",
                        collapse="day-5",
                        routine=True,
                    ),
                ),
            ]
        )
        db.session.commit()
        note_ids = [n.id for n in notes]
    report = worker.drain()
    assert (report.sent, report.failed) == (4, 0)
    for phone in phones[chris]:
        assert [r.text for r in phone.delivered] == [
            json.dumps(
                {
                    "id": note_ids[0],
                    "title": "Your call moved 07:00 → 06:30",
                    "body": "Day 5, Tue 3 Dec · Harbour Warehouse · crew parking Kings Dock level 2",
                    "url": "/p/1/my-day",
                    "tag": "day-5",
                },
                ensure_ascii=False,
                separators=(",", ":"),
            )
        ]
    for phone in phones[robin]:
        assert [m["title"] for m in phone.messages] == ["Revision Pink published"]
    assert push_service.rejections == []
    with push_app.app_context():
        assert {d.state for d in _deliveries()} == {SENT}
        assert all(s.last_success_at for s in db.session.scalars(sa.select(PushSubscription)))


def test_pushes_carry_ttl_until_the_call_urgency_and_a_topic_per_person_and_day(push_app, push_service, worker):
    ids, phones = _setup(push_app, push_service, "Chris Dunmore", "Robin Hale")
    now = utcnow()
    call_time = now + timedelta(hours=9)
    with push_app.app_context():
        service.enqueue(ids, Message(title="Your call moved", expires_at=call_time, collapse="day-5"), now=now)
        service.enqueue(
            ids[:1], Message(title="Next week", expires_at=now + timedelta(days=6), collapse="day-9"), now=now
        )
        db.session.commit()
    worker.drain(now=now)
    by_title = {r.message["title"]: r for r in phones[ids[0]][0].delivered}
    today, later = by_title["Your call moved"], by_title["Next week"]
    assert today.ttl == 9 * 3600 and today.urgency == "high"
    assert later.ttl == 6 * 24 * 3600 and later.urgency == "normal"
    other = phones[ids[1]][0].delivered[0]
    for received in (today, later, other):
        assert len(received.topic) <= 32
        base64.urlsafe_b64decode(received.topic + "=" * (-len(received.topic) % 4))
        assert received.claims["aud"] == push_service.origin
        assert received.claims["sub"] == "mailto:production-office@callboard.example.com"
    assert today.topic != later.topic  # another shoot day
    assert today.topic != other.topic  # another person


def test_each_push_service_gets_its_own_vapid_audience(push_app, push_service, worker):
    with PushService() as second:
        configure_push(push_app, push_service, second, private_key=push_app.config["VAPID_PRIVATE_KEY"])
        with push_app.app_context():
            (person,) = add_crew("Chris Dunmore")
            phones = [push_service.subscriber(), second.subscriber(), push_service.subscriber()]
            for phone in phones:
                subscribe(person, phone)
            service.enqueue([person.id], CALL_MOVED)
            db.session.commit()
        fresh = PushWorker(push_app)
        try:
            assert fresh.drain().sent == 3
        finally:
            fresh.close()
        assert push_service.rejections == [] and second.rejections == []
        assert second.subscribers[phones[1].endpoint].delivered[0].claims["aud"] == second.origin


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_deleted_with_its_pending_deliveries(status, push_app, push_service, worker):
    ids, phones = _setup(push_app, push_service, "Chris Dunmore", devices=2)
    gone, alive = phones[ids[0]]
    push_service.script(gone, status)
    with push_app.app_context():
        service.enqueue(ids, CALL_MOVED)
        db.session.commit()
    worker.batch_size = 1  # the second message to the gone device is still pending when it answers
    with push_app.app_context():
        service.enqueue(ids, Message(title="Second", source="revision:7"))
        db.session.commit()
    worker.drain()
    with push_app.app_context():
        endpoints = db.session.scalars(sa.select(PushSubscription.endpoint)).all()
        assert endpoints == [alive.endpoint]
        states = [(d.state, d.subscription_id is None) for d in _deliveries()]
        assert sorted(states) == [(DEAD, True), (DEAD, True), (SENT, False), (SENT, False)]
        assert service.delivery_report("revision:7")[ids[0]].status == "pushed"
    assert len(gone.requests) == 1 and len(alive.delivered) == 2


def test_429_retry_after_is_honoured(push_app, push_service, worker):
    ids, phones = _setup(push_app, push_service, "Chris Dunmore")
    (phone,) = phones[ids[0]]
    push_service.script(phone, Answer(429, retry_after="120"))
    now = utcnow()
    with push_app.app_context():
        service.enqueue(ids, CALL_MOVED, now=now)
        db.session.commit()
    assert worker.drain(now=now).retrying == 1
    with push_app.app_context():
        (delivery,) = _deliveries()
        assert delivery.state == PENDING and delivery.last_status == 429
        assert as_utc(delivery.next_attempt_at) == now + timedelta(seconds=120)
    assert worker.drain(now=now + timedelta(seconds=119)).claimed == 0
    assert worker.drain(now=now + timedelta(seconds=120)).sent == 1
    assert [m["title"] for m in phone.messages] == [CALL_MOVED.title]


def test_retry_after_as_an_http_date_is_honoured():
    from app.push.sender import parse_retry_after

    assert parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412450.0) == 60.0
    assert parse_retry_after("30") == 30.0
    assert parse_retry_after("soon") is None


def test_push_service_down_for_a_while_then_back_delivers_everything_still_within_ttl(push_app, push_service, worker):
    ids, phones = _setup(push_app, push_service, "Chris Dunmore", "Robin Hale", "Ada Nwosu")
    start = utcnow()
    with push_app.app_context():
        service.enqueue(ids[:2], Message(title="Call moved", expires_at=start + timedelta(hours=3)), now=start)
        service.enqueue(ids[2:], Message(title="Wrap in 10", expires_at=start + timedelta(minutes=10)), now=start)
        db.session.commit()
    push_service.default = Answer(500)
    now = start
    while now < start + timedelta(minutes=45):  # down for 45 minutes
        worker.drain(now=now)
        now += timedelta(seconds=30)
    assert all(not p[0].delivered for p in phones.values())
    tries_while_down = push_service.total_requests
    push_service.default = Answer(201)
    while now < start + timedelta(hours=3):
        worker.drain(now=now)
        now += timedelta(seconds=30)
    assert [[m["title"] for m in phones[i][0].messages] for i in ids] == [["Call moved"], ["Call moved"], []]
    with push_app.app_context():
        states = {d.notification.title: (d.state, d.last_error) for d in _deliveries()}
        assert states["Call moved"] == (SENT, "")
        assert states["Wrap in 10"][0] == FAILED and "Expired after" in states["Wrap in 10"][1]
    # backoff: far fewer tries than one per pass (90 passes x 3 messages while down)
    assert tries_while_down < 40


def test_a_push_service_that_keeps_failing_is_paused_while_others_are_served(push_app, push_service):
    with PushService() as healthy:
        person_id, broken_phone, healthy_phone = one_person_on_a_broken_and_a_healthy_service(
            push_app, push_service, healthy
        )
        paused = PushWorker(push_app, rng=lambda: 0.0)
        try:
            now = utcnow()
            for minute in range(4):
                with push_app.app_context():
                    service.enqueue([person_id], Message(title=f"Message {minute}"), now=now)
                    db.session.commit()
                paused.drain(now=now)
                now += timedelta(minutes=1)
                if minute == 1:
                    tries_before_the_pause = len(broken_phone.requests)
            assert len(broken_phone.requests) == tries_before_the_pause  # paused for 5 minutes
            assert len(healthy_phone.delivered) == 4
            push_service.default = Answer(201)
            paused.drain(now=now + timedelta(minutes=5))
            assert len(broken_phone.delivered) == 4
        finally:
            paused.close()


def test_413_shrinks_the_message_once_then_gives_up(push_app, push_service, worker):
    ids, phones = _setup(push_app, push_service, "Chris Dunmore", "Robin Hale")
    shrinks, refuses = phones[ids[0]][0], phones[ids[1]][0]
    push_service.script(shrinks, 413)
    push_service.script(refuses, 413, 413)
    with push_app.app_context():
        service.enqueue(ids, Message(title="Safety bulletin", body="Harness on the gantry. " * 150))
        db.session.commit()
    worker.drain()
    (message,) = shrinks.messages
    assert len(shrinks.delivered[0].plaintext) <= 1024 and message["body"].endswith("…")
    assert not refuses.delivered and len(refuses.requests) == 2
    with push_app.app_context():
        assert sorted(d.state for d in _deliveries()) == [FAILED, SENT]


def test_a_long_message_is_cut_to_the_3993_bytes_a_push_can_carry(push_app, push_service, worker):
    ids, phones = _setup(push_app, push_service, "Chris Dunmore")
    body = "Scène 42 — l'équipe caméra arrive à 05:30. " * 200  # multi-byte text, ~9 KB
    with push_app.app_context():
        service.enqueue(ids, Message(title="Notes", body=body))
        db.session.commit()
    worker.drain()
    (received,) = phones[ids[0]][0].delivered
    assert MAX_PLAINTEXT - 8 <= len(received.plaintext) <= MAX_PLAINTEXT
    assert body.startswith(received.message["body"][:-1].rstrip()) and received.message["body"].endswith("…")
    with push_app.app_context():
        assert db.session.scalar(sa.select(Notification.body)) == body  # the feed keeps it whole


def test_a_message_that_cannot_fit_is_refused_with_a_clear_error(push_app):
    with pytest.raises(PayloadTooLarge, match="bytes a push can carry"):
        build_payload(1, "Title " * 40, "", "/p/1/my-day", "", limit=100)
    with push_app.app_context(), pytest.raises(ValueError, match="at most 200 characters"):
        (person,) = add_crew("Chris Dunmore")
        service.enqueue([person.id], Message(title="x" * 201))


def test_redirects_from_a_push_service_are_not_followed(push_app, push_service, worker):
    ids, phones = _setup(push_app, push_service, "Chris Dunmore")
    elsewhere = push_service.subscriber()
    push_service.script(phones[ids[0]][0], Answer(307, location=elsewhere.endpoint))
    with push_app.app_context():
        service.enqueue(ids, CALL_MOVED)
        db.session.commit()
    assert worker.drain().failed == 1
    assert elsewhere.requests == []
    with push_app.app_context():
        assert "redirects are not followed" in _deliveries()[0].last_error


def test_a_hanging_push_service_times_out_and_the_message_is_retried(push_app, push_service):
    push_app.config["PUSH_TIMEOUT_SECONDS"] = 0.3
    ids, phones = _setup(push_app, push_service, "Chris Dunmore")
    push_service.script(phones[ids[0]][0], Answer(hang=True))
    now = utcnow()
    with push_app.app_context():
        service.enqueue(ids, CALL_MOVED, now=now)
        db.session.commit()
    impatient = PushWorker(push_app, rng=lambda: 0.5)
    try:
        assert impatient.drain(now=now).retrying == 1
        push_service.release()
        with push_app.app_context():
            assert "Timeout" in _deliveries()[0].last_error
        assert impatient.drain(now=now + timedelta(minutes=1)).sent == 1
    finally:
        impatient.close()


def test_the_endpoint_is_checked_again_at_send_time(push_app, push_service, worker):
    ids, phones = _setup(push_app, push_service, "Chris Dunmore")
    with push_app.app_context():
        service.enqueue(ids, CALL_MOVED)
        db.session.commit()
    push_app.config["PUSH_ALLOWED_ORIGINS"] = "https://fcm.googleapis.com"
    assert worker.drain().failed == 1
    assert push_service.total_requests == 0
    with push_app.app_context():
        assert "not a push service Callboard sends to" in _deliveries()[0].last_error


def test_routine_news_is_not_pushed_to_people_who_want_only_their_changes(push_app, push_service, worker):
    from app.push.subscriptions import set_preference

    ids, phones = _setup(push_app, push_service, "Chris Dunmore", "Robin Hale")
    with push_app.app_context():
        robin = db.session.get(Person, ids[1])
        set_preference(robin.user_id, robin.id, "mine")
        service.enqueue(ids, Message(title="Revision Pink published", routine=True, source="revision:8"))
        db.session.commit()
        assert (
            service.delivery_report("revision:8")[ids[1]].status == "feed only"
        )  # held back by choice, not for want of a device
    worker.drain()
    assert len(phones[ids[0]][0].delivered) == 1 and phones[ids[1]][0].delivered == []
    with push_app.app_context():  # the feed still has it
        assert db.session.query(Notification).filter_by(person_id=ids[1]).count() == 1


def test_the_delivery_report_says_pushed_no_device_or_failed_and_why(push_app, push_service, worker):
    ids, phones = _setup(push_app, push_service, "Chris Dunmore", "Robin Hale")
    push_service.script(phones[ids[1]][0], 400)
    with push_app.app_context():
        (nobody,) = add_crew("Omar Haddad", production_title="Night Ferry", with_accounts=False)
        service.enqueue([*ids, nobody.id], CALL_MOVED)
        db.session.commit()
        assert {p: r.status for p, r in service.delivery_report("revision:7").items()} == {
            ids[0]: "pending",
            ids[1]: "pending",
            nobody.id: "no device",
        }
    worker.drain()
    with push_app.app_context():
        report = service.delivery_report("revision:7")
    assert report[ids[0]].status == "pushed"
    assert report[ids[1]].status == "failed" and "refused the message (400" in report[ids[1]].detail


def test_pruning_removes_only_old_finished_deliveries(push_app, push_service, worker):
    ids, _ = _setup(push_app, push_service, "Chris Dunmore")
    now = utcnow()
    with push_app.app_context():
        service.enqueue(ids, Message(title="Old news"), now=now - timedelta(days=40))
        service.enqueue(ids, Message(title="Waiting"), now=now - timedelta(days=40))
        db.session.commit()
    worker.batch_size = 1
    worker.run_once(now=now - timedelta(days=40))  # one sent, one still pending
    result = push_app.test_cli_runner().invoke(args=["push", "prune", "--days", "30"])
    assert "Removed 1 finished deliveries" in result.output
    with push_app.app_context():
        assert [d.state for d in _deliveries()] == [PENDING]
        assert db.session.query(Notification).count() == 2  # the feed stays
