"""Scale-out: two app hosts (gunicorn, two workers each) share one database behind a load balancer.

On the PostgreSQL run the hosts share a fresh PostgreSQL database made by `flask db upgrade`
and `flask seed-demo`, and each host runs its own embedded push worker, as separate machines
would; on the SQLite run they share one SQLite file on one machine, with one push worker.
A phone's requests land on either host; one host is SIGKILLed and restarted while they do.
"""

import os
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from conftest import DATABASE_URL
from harness import AppServer, _wait_until, prepare_database, run_under_crashes
from pushservice import PushService, vapid_private_key_text

ON_POSTGRESQL = DATABASE_URL.startswith("postgresql")
SYNC_HEADERS = {"X-Callboard-Sync": "1"}
CLIENTS, OPERATIONS = 3, 30


@pytest.fixture
def shared_database(tmp_path):
    """A migrated, seeded database of its own: PostgreSQL on the PostgreSQL run, else a SQLite file."""
    if not ON_POSTGRESQL:
        yield prepare_database(tmp_path / "callboard.sqlite3")
        return
    name = f"callboard_scale_out_{os.getpid()}"
    admin = sa.create_engine(DATABASE_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield prepare_database(
            make_url(DATABASE_URL).set(database=name).render_as_string(hide_password=False), tmp_path / "setup"
        )
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def push_service():
    with PushService() as service:
        yield service


@pytest.fixture
def hosts(tmp_path, shared_database, push_service):
    """Two app hosts with their own instance folders and the deployment's shared settings."""
    shared = {"VAPID_PRIVATE_KEY": vapid_private_key_text(), "PUSH_ALLOWED_ORIGINS": push_service.origin}
    servers = [
        AppServer(tmp_path / "host-a", shared_database, **shared),
        AppServer(
            tmp_path / "host-b",
            shared_database,
            **shared,
            # SQLite: one machine, one push worker; PostgreSQL: one per host
            **({} if ON_POSTGRESQL else {"CALLBOARD_PUSH_WORKER": "off"}),
        ),
    ]
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.kill()


def signed_in_on_both(hosts, email: str):
    """Sign in once on host A; return clients for both hosts carrying that one session."""
    first, second = hosts[0].client(), hosts[1].client()
    assert first.login(email).status == 302
    second.cookies, second.csrf_token = dict(first.cookies), first.csrf_token
    return first, second


def test_phones_syncing_through_either_host_store_each_operation_once_while_one_host_crashes(hosts):
    ((day_id,),) = hosts[0].sql("SELECT id FROM shoot_days WHERE production_id = 1 ORDER BY date LIMIT 1")
    phones = [signed_in_on_both(hosts, "crew@example.com") for _ in range(CLIENTS)]
    outboxes = [
        [
            {
                "id": str(uuid.uuid4()),
                "production_id": 1,
                "kind": "running_late",
                "tapped_at": "2026-11-26T06:00:00+00:00",
                "payload": {"shoot_day_id": day_id, "eta": 7 * 60 + n},
            }
            for n in range(OPERATIONS)
        ]
        for _ in range(CLIENTS)
    ]
    tries = [0] * CLIENTS

    def send(client: int, n: int):
        """Send operation n with the one before it, to the other host than last time."""
        tries[client] += 1
        host = phones[client][tries[client] % 2]
        batch = [outboxes[client][n], *outboxes[client][max(n - 1, 0) : n]]
        answer = host.post(
            "/api/sync", json_body={"sent_at": "2026-11-26T06:00:01+00:00", "ops": batch}, headers=SYNC_HEADERS
        )
        if answer.status != 200:
            return None
        results = answer.json()["results"]
        assert all(result["status"] in ("applied", "duplicate") for result in results), results
        return results[0]

    report = run_under_crashes(
        hosts[0], send, clients=CLIENTS, operations=OPERATIONS, crashes=3, time_limit=90, pause=(0.1, 0.4), seed=5
    )

    assert report.abandoned == [] and report.crashes >= 1, report
    sent = sorted(op["id"] for outbox in outboxes for op in outbox)
    assert sorted(result["id"] for result in report.acknowledged) == sent
    assert sorted(row[0] for row in hosts[1].sql("SELECT op_id FROM checkins")) == sent
    assert sorted(row[0] for row in hosts[1].sql("SELECT op_id FROM applied_operations")) == sent


def test_a_change_made_on_one_host_and_published_on_the_other_is_pushed_once(hosts, push_service):
    crew_a, crew_b = signed_in_on_both(hosts, "crew@example.com")
    office_a, office_b = signed_in_on_both(hosts, "coordinator@example.com")
    ((day_id,),) = hosts[0].sql("SELECT id FROM shoot_days WHERE production_id = 1 ORDER BY date LIMIT 1")
    ((chris_id,),) = hosts[0].sql("SELECT id FROM people WHERE production_id = 1 AND name = 'Chris Dunmore'")
    phone = push_service.subscriber()
    key = crew_b.get("/push/key").json()["publicKey"]
    assert key == crew_a.get("/push/key").json()["publicKey"]  # both hosts sign with the deployment's key
    push_service.vapid_public_key = key
    subscribed = crew_b.post(
        "/push/subscriptions",
        json_body={
            "endpoint": phone.endpoint,
            "keys": {"p256dh": phone.p256dh, "auth": phone.auth},
            "applicationServerKey": key,
        },
    )
    assert subscribed.status == 201, subscribed.text

    moved = office_a.post(f"/p/1/days/{day_id}/calls/{chris_id}", {"call_override": "06:30", "action": "save"})
    assert moved.status == 303, moved.text
    published = office_b.post(f"/p/1/days/{day_id}/publish", {})
    assert published.status == 303, published.text

    def all_sent() -> bool:
        states = hosts[0].sql("SELECT state FROM push_deliveries")
        return bool(states) and all(state in ("sent", "gone", "failed") for (state,) in states)

    _wait_until(all_sent, 30, "the push workers to settle the outbox")
    with push_service.delivered_condition:
        messages = phone.messages
    mine = [message for message in messages if "06:30" in message["title"]]
    assert len(mine) == 1, messages  # once, though two hosts' workers share the outbox
    assert mine[0]["title"] == "Your call moved 07:00 → 06:30", mine
    assert [state for (state,) in hosts[1].sql("SELECT state FROM push_deliveries")].count("sent") == len(messages)


def test_the_distribution_board_on_one_host_shows_a_confirmation_made_on_the_other(hosts):
    crew_a, _ = signed_in_on_both(hosts, "crew@example.com")
    _, office_b = signed_in_on_both(hosts, "coordinator@example.com")
    ((revision_id,),) = hosts[0].sql("SELECT id FROM callsheet_revisions WHERE production_id = 1 ORDER BY id LIMIT 1")
    poll = {"HX-Request": "true"}
    before = office_b.get(f"/p/1/revisions/{revision_id}/board", headers=poll)
    assert before.status == 200 and before.headers["ETag"]
    unchanged = office_b.get(
        f"/p/1/revisions/{revision_id}/board", headers={**poll, "If-None-Match": before.headers["ETag"]}
    )
    assert unchanged.status == 304
    confirmed = crew_a.post(
        "/p/1/actions/confirm_revision", {"revision_id": str(revision_id), "op_id": str(uuid.uuid4())}
    )
    assert confirmed.status == 303, confirmed.text
    after = office_b.get(
        f"/p/1/revisions/{revision_id}/board", headers={**poll, "If-None-Match": before.headers["ETag"]}
    )
    assert after.status == 200 and after.headers["ETag"] != before.headers["ETag"]
    ((state,),) = hosts[1].sql(
        "SELECT confirmed_at IS NOT NULL FROM acknowledgements a JOIN people p "
        "ON p.id = a.person_id WHERE p.name = 'Chris Dunmore' AND a.revision_id = "
        f"{revision_id}"
    )
    assert state
