"""Exactly once and convergence: duplicated, reordered and dropped deliveries of queued operations."""

import threading
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.callsheets.models import Acknowledgement, CallSheetRevision
from app.callsheets.service import newest_number
from app.callsheets.snapshot import build_snapshot
from app.checkins.board import board, published_calls
from app.checkins.models import CheckIn
from app.extensions import db
from app.schedule.models import Production, ShootDay
from app.sync import service
from app.sync.models import AppliedOperation
from sync_helpers import Cast, now, op, post_sync

KINDS = ("check_in", "check_out", "running_late", "confirm_revision")
SKEW = timedelta(minutes=7)  # every phone's clock is seven minutes slow
START = now().replace(microsecond=0) - timedelta(hours=12)

action = st.tuples(
    st.sampled_from(("crew", "coordinator", "by_hand")),
    st.sampled_from(KINDS),
    st.integers(min_value=0, max_value=600),  # tap minute after START
    st.integers(min_value=6 * 60, max_value=10 * 60),  # ETA
)


def build_ops(cast, revision_id, actions, ids):
    """Return (user id, operation) pairs for the generated actions."""
    users = {"crew": cast.crew_user_id, "coordinator": cast.coordinator_user_id, "by_hand": cast.coordinator_user_id}
    built = []
    for (who, kind, minute, eta), op_id in zip(actions, ids):
        if kind == "confirm_revision":
            payload = {"revision_id": revision_id}
        else:
            payload = {"shoot_day_id": cast.day_id}
            if kind == "running_late":
                payload["eta"] = eta
            elif who == "by_hand":
                payload["person_id"] = cast.gaffer_id
        built.append(
            (users[who], op(cast.production_id, kind, payload, START + timedelta(minutes=minute) - SKEW, str(op_id)))
        )
    return built


def deliver(batches, ops):
    """Send each batch of operation indexes, one user's operations per request."""
    for number, batch in enumerate(batches):
        received = START + timedelta(hours=13, seconds=number)
        for user_id in sorted({ops[i][0] for i in batch}):
            raw = [ops[i][1] for i in batch if ops[i][0] == user_id]
            service.apply_batch(user_id, raw, received - SKEW, received)
            db.session.commit()


def snapshot(cast):
    """Return everything the operations can have changed, without row ids."""
    day = db.session.get(ShootDay, cast.day_id)
    called, uncalled = board(day, "Europe/London", published_calls(day)[1], START + timedelta(hours=14))
    states = {
        row.person.id: (row.status.label, row.status.at, row.status.by_hand, row.status.eta)
        for row in called + uncalled
    }
    acks = {(a.person_id, a.confirmed_at.replace(tzinfo=None)) for a in db.session.scalars(sa.select(Acknowledgement))}
    effects = sorted(
        (e.op_id, e.kind, e.person_id, e.occurred_at.replace(tzinfo=None), e.eta)
        for e in db.session.scalars(sa.select(CheckIn))
    )
    applied = sorted(db.session.scalars(sa.select(AppliedOperation.op_id)))
    return states, acks, effects, applied


def forget_everything():
    for model in (CheckIn, AppliedOperation, Acknowledgement):
        db.session.execute(sa.delete(model))
    db.session.commit()


@pytest.fixture
def scene(demo):
    cast = Cast(demo)
    with demo.app_context():
        revision = CallSheetRevision(
            production_id=cast.production_id,
            shoot_day_id=cast.day_id,
            number=newest_number(cast.day_id) + 1,
            colour="Blue",
            content=build_snapshot(db.session.get(ShootDay, cast.day_id)),
        )
        db.session.add(revision)
        db.session.commit()
        cast.revision_id = revision.id
    return demo, cast


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(action, min_size=1, max_size=10), data=st.data())
def test_any_delivery_schedule_applies_each_operation_once_and_converges(scene, actions, data):
    app, cast = scene
    ids = data.draw(st.lists(st.uuids(), min_size=len(actions), max_size=len(actions), unique=True))
    index = st.integers(min_value=0, max_value=len(actions) - 1)
    # Each batch may duplicate, reorder or drop operations; retries are more batches.
    batches = data.draw(st.lists(st.lists(index, max_size=3 * len(actions)), min_size=1, max_size=5))
    with app.app_context():
        forget_everything()
        ops = build_ops(cast, cast.revision_id, actions, ids)
        delivered = {i for batch in batches for i in batch}
        deliver(batches, ops)
        messy = snapshot(cast)
        assert messy[3] == sorted(ops[i][1]["id"] for i in delivered)  # each delivered op once
        check_ops = [ops[i][1]["id"] for i in delivered if ops[i][1]["kind"] != "confirm_revision"]
        assert sorted(e[0] for e in messy[2]) == sorted(check_ops)  # one effect each, no more

        forget_everything()
        deliver([sorted(delivered, key=lambda i: ops[i][1]["tapped_at"])], ops)
        assert snapshot(cast) == messy  # the same state as one clean, in-order delivery


@pytest.fixture
def shared_db_app(threaded_app):
    """The seeded demo on a database that several threads can use at once."""
    from app.seed import seed_demo

    with threaded_app.app_context():
        seed_demo(START.date())
        db.session.commit()
    return threaded_app


def test_concurrent_retries_of_the_same_batch_apply_each_operation_once(shared_db_app):
    app = shared_db_app
    with app.app_context():
        film = db.session.scalar(sa.select(Production).where(Production.title == "The Iron Men"))
        day_id = db.session.scalar(sa.select(ShootDay.id).where(ShootDay.production_id == film.id))
        production_id = film.id
    batch = [op(production_id, "check_in", {"shoot_day_id": day_id}, op_id=str(uuid.uuid4())) for _ in range(20)]
    clients = []
    for _ in range(4):
        client = app.test_client()
        client.post("/login", data={"email": "crew@example.com", "password": "callboard-demo"})
        clients.append(client)
    start = threading.Barrier(len(clients))
    answers = []

    def retry_until_answered(client):
        start.wait()
        for _attempt in range(50):
            response = post_sync(client, batch)
            if response.status_code == 200:
                answers.append(response.get_json()["results"])
                return
            assert response.status_code == 503  # busy: try again (what was saved answers duplicate)

    threads = [threading.Thread(target=retry_until_answered, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == len(clients)
    for position, item in enumerate(batch):
        statuses = sorted(answer[position]["status"] for answer in answers)
        assert statuses == ["applied"] + ["duplicate"] * (len(clients) - 1), item["id"]
    with app.app_context():
        assert db.session.query(CheckIn).count() == len(batch)
        assert db.session.query(AppliedOperation).count() == len(batch)
