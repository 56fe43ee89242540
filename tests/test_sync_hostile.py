"""Hostile input to the sync endpoint: never a 500, per-op refusals inside a 200, nothing half-written."""

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.callsheets.models import Acknowledgement, CallSheetRevision
from app.checkins.models import CheckIn
from app.extensions import db
from app.sync.models import AppliedOperation
from app.sync.protocol import read_cursor
from sync_helpers import SYNC_HEADERS, Cast, now, op, post_sync

HUGE = 2**63
YEAR_ONE = datetime(1, 1, 1, tzinfo=UTC)
YEAR_9999 = datetime(9999, 12, 31, 23, 59, tzinfo=UTC)


@pytest.fixture
def cast(demo):
    return Cast(demo)


@pytest.fixture
def crew(client, auth, cast):
    auth.login("crew@example.com")
    return client


@pytest.fixture
def coordinator(client, auth, cast):
    auth.login("coordinator@example.com")
    return client


def raw_post(client, body: bytes):
    return client.post("/api/sync", data=body, content_type="application/json", headers=SYNC_HEADERS, csrf=False)


def stored(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def revision_of(app, day_id):
    with app.app_context():
        return db.session.scalar(sa.select(CallSheetRevision.id).where(CallSheetRevision.shoot_day_id == day_id))


# Arbitrary JSON: count the answers of 500 and above, print the count, expect none.

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
times = st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat) | json_values
ids = st.integers() | st.text(max_size=25) | json_values
kinds = st.sampled_from(["check_in", "check_out", "running_late", "confirm_revision", "update_field"]) | st.text()
payloads = st.fixed_dictionaries(
    {},
    optional={
        "shoot_day_id": ids,
        "person_id": ids,
        "revision_id": ids,
        "entity": st.just("shoot_day") | json_values,
        "entity_id": ids,
        "field": st.sampled_from(["general_call", "estimated_wrap", "notes"]) | json_values,
        "value": json_values,
        "base_version": ids,
        "eta": ids,
        "note": json_values,
    },
)
operations = st.fixed_dictionaries(
    {"id": st.uuids().map(str) | json_values, "production_id": ids, "kind": kinds, "tapped_at": times},
    optional={"sent_at": times, "payload": payloads | json_values},
)
batches = st.fixed_dictionaries(
    {"sent_at": times, "ops": st.lists(operations | json_values, max_size=4)},
    optional={"protocol": ids, "cursor": st.text(max_size=30) | json_values},
)


def test_arbitrary_json_never_answers_500(demo, cast, coordinator):
    failures = []

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(st.one_of(json_values, batches))
    def post_anything(body):
        response = raw_post(coordinator, json.dumps(body).encode())
        if response.status_code >= 500:
            failures.append((body, response.status_code))

    post_anything()
    print(f"responses >= 500 on arbitrary JSON: {len(failures)}")
    assert len(failures) == 0, failures[:3]


def test_batch_shaped_json_with_real_ids_never_answers_500(demo, cast, coordinator):
    failures = []
    real_ids = st.sampled_from([cast.production_id, cast.day_id, cast.gaffer_id, 0, -1, HUGE, 2**31])

    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(
        st.lists(
            st.fixed_dictionaries(
                {
                    "production_id": real_ids,
                    "kind": kinds,
                    "tapped_at": times,
                    "sent_at": times,
                    "payload": st.fixed_dictionaries(
                        {
                            "shoot_day_id": real_ids,
                            "person_id": real_ids | st.none(),
                            "eta": ids,
                            "revision_id": real_ids,
                            "entity": st.just("shoot_day"),
                            "entity_id": real_ids,
                            "field": st.sampled_from(["general_call", "notes"]),
                            "value": json_values,
                            "base_version": ids,
                        }
                    ),
                }
            ),
            max_size=3,
        ),
        times,
    )
    def post_batch(ops, sent_at):
        ops = [{"id": op(0, "", {})["id"], **each} for each in ops]
        response = raw_post(coordinator, json.dumps({"sent_at": sent_at, "ops": ops}).encode())
        if response.status_code >= 500:
            failures.append((ops, response.status_code))

    post_batch()
    print(f"responses >= 500 on batch-shaped JSON: {len(failures)}")
    assert len(failures) == 0, failures[:3]


# Integers: every id bounded at the edge.


@pytest.mark.parametrize("where", ["production_id", "shoot_day_id", "person_id"])
def test_ids_beyond_the_database_range_are_refused_per_operation(demo, cast, coordinator, where):
    good = op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id})
    bad = op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id, "person_id": cast.gaffer_id})
    if where == "production_id":
        bad["production_id"] = HUGE
    else:
        bad["payload"][where] = HUGE
    response = post_sync(coordinator, [bad, good])
    assert response.status_code == 200
    assert [r["status"] for r in response.get_json()["results"]] == ["rejected", "applied"]
    assert response.get_json()["results"][0]["reason"] == "malformed"
    assert stored(demo, CheckIn) == 1


@pytest.mark.parametrize("payload", [{"revision_id": HUGE}, {"revision_id": str(10**30)}, {"revision_id": "²"}])
def test_a_confirmation_of_an_impossible_revision_is_refused(demo, cast, crew, payload):
    [result] = post_sync(crew, [op(cast.production_id, "confirm_revision", payload)]).get_json()["results"]
    assert (result["status"], result["reason"]) == ("rejected", "malformed")


@pytest.mark.parametrize("field", ["entity_id", "base_version"])
def test_a_shoot_day_edit_with_an_impossible_number_is_refused(demo, cast, coordinator, field):
    payload = {
        "entity": "shoot_day",
        "entity_id": cast.day_id,
        "field": "notes",
        "value": "Rain",
        "base_version": 1,
        field: HUGE,
    }
    [result] = post_sync(coordinator, [op(cast.production_id, "update_field", payload)]).get_json()["results"]
    assert (result["status"], result["reason"]) == ("rejected", "malformed")


def test_the_action_form_refuses_an_impossible_id_with_422(demo, cast, crew):
    response = crew.post(f"/p/{cast.production_id}/actions/check_in", data={"shoot_day_id": str(HUGE)})
    assert response.status_code == 422
    assert stored(demo, CheckIn) == 0


# Times: judged against a plausible window, never stored when no page could show them.


@pytest.mark.parametrize(
    ("tapped", "sent"),
    [
        (YEAR_ONE, None),
        (YEAR_9999, None),
        (YEAR_ONE, YEAR_ONE),
        (YEAR_9999, YEAR_9999),
        (None, YEAR_ONE),
        (None, YEAR_9999),
    ],
)
def test_a_check_in_tapped_at_the_ends_of_the_calendar_is_refused_and_the_boards_still_show(
    demo, cast, coordinator, tapped, sent
):
    check_in = op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id}, tapped or now())
    if sent is not None:
        check_in["sent_at"] = sent.isoformat()
    response = post_sync(coordinator, [check_in])
    assert response.status_code == 200
    [result] = response.get_json()["results"]
    assert (result["status"], result["reason"]) == ("rejected", "clock")
    assert "clock" in result["message"]
    assert stored(demo, CheckIn) == 0 and stored(demo, AppliedOperation) == 0
    assert coordinator.get(f"/p/{cast.production_id}/today").status_code == 200
    assert coordinator.get(f"/p/{cast.production_id}/my-day").status_code == 200


def test_a_batch_sent_from_a_clock_at_year_one_is_refused_op_by_op(demo, cast, crew):
    ops = [op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id}, YEAR_ONE + timedelta(minutes=1))]
    response = post_sync(crew, ops, sent_at=YEAR_ONE + timedelta(minutes=2))
    assert response.status_code == 200 and response.get_json()["results"][0]["reason"] == "clock"


def test_a_phone_clock_a_few_hours_off_is_still_corrected(demo, cast, crew):
    slow = timedelta(hours=5)
    check_in = op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id}, now() - slow)
    [result] = post_sync(crew, [check_in], sent_at=now() - slow).get_json()["results"]
    assert result["status"] == "applied"


def test_a_confirmation_at_year_one_is_refused_and_the_distribution_board_still_shows(demo, cast, coordinator):
    revision_id = revision_of(demo, cast.day_id)
    confirm = op(cast.production_id, "confirm_revision", {"revision_id": revision_id}, YEAR_ONE)
    [result] = post_sync(coordinator, [confirm]).get_json()["results"]
    assert (result["status"], result["reason"]) == ("rejected", "clock")
    with demo.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(Acknowledgement).where(Acknowledgement.confirmed_at.is_not(None))
            )
            == 0
        )
    assert coordinator.get(f"/p/{cast.production_id}/revisions/{revision_id}/board").status_code == 200


def test_a_tap_older_than_the_window_is_refused(demo, cast, crew):
    old = now() - timedelta(days=40)
    [result] = post_sync(crew, [op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id}, old)]).get_json()[
        "results"
    ]
    assert (result["status"], result["reason"]) == ("rejected", "too_old")
    assert stored(demo, CheckIn) == 0


# Cursors: a reset (a first sync again), never a 500.


@pytest.mark.parametrize(
    "cursor",
    [
        "v1:99999999999999999999",
        "v1:253402300800000",
        "v1:²",
        "v1:١٢٣",
        "v1:-5",
        "v1:",
        "v2:1",
        "v1:1\n",
        "v1:" + "9" * 15,
        "garbage",
    ],
)
def test_a_cursor_we_cannot_trust_starts_the_phone_again(demo, cast, crew, cursor):
    response = post_sync(crew, [], cursor=cursor)
    assert response.status_code == 200
    answer = response.get_json()
    assert f"/p/{cast.production_id}/my-day" in answer["prefetch"]  # as on a first sync
    assert answer["cursor"].startswith("v1:")


def test_a_cursor_reads_only_ascii_digits_within_the_calendar():
    moment = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    assert read_cursor(f"v1:{int(moment.timestamp() * 1000)}", moment) == moment
    assert read_cursor("v1:²", moment) is None
    assert read_cursor("v1:253402300800000", moment) is None
    assert read_cursor("v1:0", moment) == datetime(1970, 1, 1, tzinfo=UTC)


# Bodies: depth and bytes capped before anything is read.


def test_deeply_nested_json_is_a_400(demo, cast, crew):
    deep = b'{"sent_at": "2026-01-01T00:00:00Z", "ops": ' + b"[" * 2000 + b"]" * 2000 + b"}"
    response = raw_post(crew, deep)
    assert response.status_code == 400 and response.get_json()["error"] == "too_deep"
    brackets_in_text = json.dumps({"sent_at": now().isoformat(), "ops": [], "cursor": "[" * 90}).encode()
    assert raw_post(crew, brackets_in_text).status_code == 200  # brackets inside strings do not count


@pytest.mark.parametrize("body", [b"{", b'{"ops": NaN}', b"\xff\xfe", b'{"a": 1e999999}', b"1" * 5000])
def test_unreadable_bodies_are_400(demo, cast, crew, body):
    assert raw_post(crew, body).status_code == 400


def test_an_operation_over_its_byte_cap_is_refused_and_the_rest_apply(demo, cast, crew):
    padded = op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id, "padding": "x" * 40_000})
    good = op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id})
    response = post_sync(crew, [padded, good])
    assert response.status_code == 200
    assert [(r["status"], r.get("reason")) for r in response.get_json()["results"]] == [
        ("rejected", "too_large"),
        ("applied", None),
    ]


def test_a_batch_over_its_byte_cap_is_413_with_a_message(demo, cast, crew):
    ops = [
        op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id, "padding": "x" * 30_000}) for _ in range(40)
    ]  # about 1.2 MB: under the global request limit, over the batch cap
    response = post_sync(crew, ops)
    assert response.status_code == 413 and response.get_json()["error"] == "too_large"
    assert "fewer" in response.get_json()["message"]
    assert stored(demo, CheckIn) == 0


def test_the_caps_are_configuration(app):
    assert app.config["SYNC_MAX_BATCH_BYTES"] < app.config["MAX_CONTENT_LENGTH"]
    assert app.config["SYNC_MAX_OP_BYTES"] < app.config["SYNC_MAX_BATCH_BYTES"]


# Transactions: operations are read and judged before the write lock is taken.


def test_refused_operations_take_no_write_lock(threaded_app, tmp_path):
    from app.seed import seed_demo

    with threaded_app.app_context():
        seed_demo(date.today())
        db.session.commit()
    cast = Cast(threaded_app)
    client = threaded_app.test_client()
    client.post("/login", data={"email": "crew@example.com", "password": "callboard-demo"})
    client.csrf_token = None
    other = sqlite3.connect(tmp_path / "threads.db", timeout=0)
    other.execute("BEGIN IMMEDIATE")  # another request holds the write lock
    try:
        refused = [
            op(cast.production_id, "check_in", {"shoot_day_id": HUGE}),
            op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id}, YEAR_ONE),
        ]
        started = datetime.now(UTC)
        response = post_sync(client, refused)
        waited = datetime.now(UTC) - started
    finally:
        other.rollback()
        other.close()
    assert response.status_code == 200
    assert [r["status"] for r in response.get_json()["results"]] == ["rejected", "rejected"]
    assert waited < timedelta(seconds=3)  # the busy timeout (5 s) was never waited for


def test_a_long_batch_commits_in_short_write_transactions(demo, cast, crew):
    demo.config.update(SYNC_WRITE_BUDGET_MS=0, SYNC_WRITE_PAUSE_MS=0)  # commit after every operation
    commits = []

    def count(connection):
        commits.append(connection)

    with demo.app_context():
        sa.event.listen(db.engine, "commit", count)
    try:
        ops = [op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id}) for _ in range(5)]
        response = post_sync(crew, ops)
    finally:
        with demo.app_context():
            sa.event.remove(db.engine, "commit", count)
    assert [r["status"] for r in response.get_json()["results"]] == ["applied"] * 5
    assert len(commits) >= 5 and stored(demo, AppliedOperation) == 5
    assert [r["status"] for r in post_sync(crew, ops).get_json()["results"]] == ["duplicate"] * 5
