"""The sync endpoint applies queued offline operations exactly once (sync/PROTOCOL.md)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import DeviceSession
from app.callsheets.models import Acknowledgement, CallSheetRevision
from app.callsheets.service import newest_number
from app.callsheets.snapshot import build_snapshot
from app.checkins.models import CheckIn
from app.extensions import db
from app.schedule.models import PersonCall, ShootDay
from app.sync.models import AppliedOperation
from app.timeutil import as_utc
from sync_helpers import Cast, now, op, post_sync


@pytest.fixture
def cast(demo):
    return Cast(demo)


@pytest.fixture
def crew(client, auth, cast):
    auth.login("crew@example.com")
    return client


@pytest.fixture
def office(client, auth, cast):
    auth.login("coordinator@example.com")
    return client


def events(app, **filters):
    with app.app_context():
        return db.session.scalars(sa.select(CheckIn).filter_by(**filters).order_by(CheckIn.id)).all()


def publish(app, day_id: int, number: int, colour: str, published_at=None) -> int:
    with app.app_context():
        day = db.session.get(ShootDay, day_id)
        number = max(number, newest_number(day.id) + 1)  # the demo seed publishes day 1
        revision = CallSheetRevision(
            production_id=day.production_id,
            shoot_day_id=day.id,
            number=number,
            colour=colour,
            content=build_snapshot(day),
            published_at=published_at or now(),
        )
        db.session.add(revision)
        db.session.commit()
        return revision.id


def test_check_in_is_stored_with_tap_send_and_receive_times_and_the_clock_offset(demo, cast, crew):
    slow_clock = timedelta(minutes=10)  # the phone's clock is ten minutes behind
    tapped = now() - timedelta(minutes=15) - slow_clock
    response = post_sync(
        crew, [op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id}, tapped)], sent_at=now() - slow_clock
    )
    assert response.status_code == 200
    [result] = response.get_json()["results"]
    assert result["status"] == "applied"
    [event] = events(demo, person_id=cast.crew_id)
    assert event.kind == "arrival" and not event.by_hand
    assert abs(event.clock_offset_ms - slow_clock.total_seconds() * 1000) < 5000
    corrected = as_utc(event.occurred_at)
    assert abs((corrected - (now() - timedelta(minutes=15))).total_seconds()) < 5
    assert as_utc(event.tapped_at) == tapped
    assert as_utc(event.sent_at) < as_utc(event.received_at)


def test_corrected_time_is_never_later_than_the_server_received_it(demo, cast, crew):
    fast_tap = now() + timedelta(hours=2)  # clock changed between the tap and the send
    post_sync(crew, [op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id}, fast_tap)])
    [event] = events(demo, person_id=cast.crew_id)
    assert as_utc(event.occurred_at) <= as_utc(event.received_at)


def test_a_replayed_operation_is_a_duplicate_and_is_stored_once(demo, cast, crew):
    check_in = op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id})
    first = post_sync(crew, [check_in]).get_json()["results"][0]
    again = post_sync(crew, [check_in, check_in]).get_json()["results"]
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert again[0]["result"] == first["result"]
    assert len(events(demo, person_id=cast.crew_id)) == 1
    with demo.app_context():
        assert db.session.query(AppliedOperation).count() == 1


def test_the_same_operation_twice_in_one_batch_applies_once(demo, cast, crew):
    check_in = op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id})
    results = post_sync(crew, [check_in, check_in]).get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "duplicate"]
    assert len(events(demo, person_id=cast.crew_id)) == 1


def test_results_follow_request_order_and_a_reordered_retry_changes_nothing(demo, cast, crew):
    start = now() - timedelta(hours=10)
    ops = [
        op(cast.production_id, "running_late", {"shoot_day_id": cast.day_id, "eta": "07:40"}, start),
        op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id}, start + timedelta(hours=1)),
        op(cast.production_id, "check_out", {"shoot_day_id": cast.day_id}, start + timedelta(hours=9)),
    ]
    reordered = list(reversed(ops))
    results = post_sync(crew, reordered).get_json()["results"]
    assert [r["id"] for r in results] == [o["id"] for o in reordered]
    assert post_sync(crew, ops + reordered).get_json()["results"][0]["status"] == "duplicate"
    assert sorted(e.kind for e in events(demo, person_id=cast.crew_id)) == ["arrival", "running_late", "wrap"]


def test_an_operation_for_another_production_is_rejected_without_blocking_the_others(demo, cast, crew):
    ops = [
        op(cast.other_production_id, "check_in", {"shoot_day_id": cast.other_day_id}),
        op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id}),
        op(999_999, "check_in", {"shoot_day_id": 1}),
    ]
    results = post_sync(crew, ops).get_json()["results"]
    assert [r["status"] for r in results] == ["rejected", "applied", "rejected"]
    assert results[0]["reason"] == results[2]["reason"] == "not_member"
    assert len(events(demo)) == 1


def test_a_shoot_day_of_another_production_is_not_found(demo, cast, office):
    [result] = post_sync(office, [op(cast.production_id, "check_in", {"shoot_day_id": cast.other_day_id})]).get_json()[
        "results"
    ]
    assert result["status"] == "rejected" and result["reason"] == "not_found"
    assert events(demo) == []


def test_malformed_operations_are_rejected_with_reasons_and_the_rest_apply(demo, cast, crew):
    good = op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id})
    ops = [
        "not an object",
        {**good, "id": "not-a-uuid"},
        op(cast.production_id, "teleport", {}),
        op(cast.production_id, "running_late", {"shoot_day_id": cast.day_id, "eta": "25:99"}),
        op(cast.production_id, "check_in", {}),
        good,
    ]
    results = post_sync(crew, ops).get_json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 5 + ["applied"]
    assert all(r["reason"] == "malformed" for r in results[:5])
    assert results[1]["errors"] == {"id": ["Not a valid UUID."]}
    assert "kind" in results[2]["errors"]
    assert "eta" in results[3]["errors"]["payload"]
    assert results[0]["id"] is None and results[1]["id"] == "not-a-uuid"  # echoed for the phone
    assert len(events(demo)) == 1


def test_crew_cannot_check_in_someone_else(demo, cast, crew):
    payload = {"shoot_day_id": cast.day_id, "person_id": cast.gaffer_id}
    [result] = post_sync(crew, [op(cast.production_id, "check_in", payload)]).get_json()["results"]
    assert result["status"] == "rejected" and result["reason"] == "forbidden"


def test_coordinator_check_in_for_someone_else_is_marked_by_hand(demo, cast, office):
    payload = {"shoot_day_id": cast.day_id, "person_id": cast.gaffer_id}
    [result] = post_sync(office, [op(cast.production_id, "check_in", payload)]).get_json()["results"]
    assert result["status"] == "applied" and result["result"]["by_hand"] is True
    [event] = events(demo, person_id=cast.gaffer_id)
    assert event.by_hand and event.recorded_by_id == cast.coordinator_id


def test_running_late_stores_the_eta_and_note(demo, cast, crew):
    payload = {"shoot_day_id": cast.day_id, "eta": "07:45", "note": "M62 closed"}
    post_sync(crew, [op(cast.production_id, "running_late", payload)])
    [event] = events(demo, person_id=cast.crew_id)
    assert (event.kind, event.eta, event.note) == ("running_late", 7 * 60 + 45, "M62 closed")


def test_confirming_a_revision_keeps_the_earliest_confirmation(demo, cast, crew):
    revision_id = publish(demo, cast.day_id, 1, "White")
    first_tap = now() - timedelta(minutes=30)
    first = op(cast.production_id, "confirm_revision", {"revision_id": revision_id}, first_tap)
    second = op(cast.production_id, "confirm_revision", {"revision_id": revision_id})
    results = post_sync(crew, [second, first]).get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"]
    with demo.app_context():
        [ack] = db.session.scalars(sa.select(Acknowledgement)).all()
        assert ack.person_id == cast.crew_id and ack.opened_at is not None
        assert abs((as_utc(ack.confirmed_at) - first_tap).total_seconds()) < 5  # the earliest tap stands


def test_confirming_a_revision_of_another_production_is_not_found(demo, cast, office):
    revision_id = publish(demo, cast.other_day_id, 1, "White")
    [result] = post_sync(office, [op(cast.production_id, "confirm_revision", {"revision_id": revision_id})]).get_json()[
        "results"
    ]
    assert result["reason"] == "not_found"


def test_confirming_a_call_sheet_i_am_not_called_on_is_refused(demo, cast, crew):
    with demo.app_context():
        row = db.session.scalar(
            sa.select(PersonCall).where(PersonCall.shoot_day_id == cast.day_id, PersonCall.person_id == cast.crew_id)
        )
        if row is None:
            row = PersonCall(production_id=cast.production_id, shoot_day_id=cast.day_id, person_id=cast.crew_id)
            db.session.add(row)
        row.called = False
        db.session.commit()
    revision_id = publish(demo, cast.day_id, 1, "White")
    [result] = post_sync(crew, [op(cast.production_id, "confirm_revision", {"revision_id": revision_id})]).get_json()[
        "results"
    ]
    assert (result["status"], result["reason"]) == ("rejected", "not_called")
    with demo.app_context():
        assert db.session.scalars(sa.select(Acknowledgement)).all() == []


def test_a_confirmation_queued_offline_stands_when_a_newer_revision_came_out_meanwhile(demo, cast, crew):
    read_offline = publish(demo, cast.day_id, 1, "White")
    publish(demo, cast.day_id, 2, "Blue")
    [result] = post_sync(
        crew, [op(cast.production_id, "confirm_revision", {"revision_id": read_offline}, now() - timedelta(minutes=20))]
    ).get_json()["results"]
    assert result["status"] == "applied"
    with demo.app_context():
        newest = newest_number(cast.day_id)
        [ack] = db.session.scalars(sa.select(Acknowledgement)).all()
    assert result["result"]["newer_revision"] == newest
    assert ack.revision_id == read_offline and ack.confirmed_at is not None


def update(cast, field, value, base_version):
    return op(
        cast.production_id,
        "update_field",
        {"entity": "shoot_day", "entity_id": cast.day_id, "field": field, "value": value, "base_version": base_version},
    )


def day_state(app, cast):
    with app.app_context():
        day = db.session.get(ShootDay, cast.day_id)
        return day.general_call, day.notes, day.version


def test_an_update_at_the_current_version_applies_and_bumps_the_version(demo, cast, office):
    _, _, version = day_state(demo, cast)
    [result] = post_sync(office, [update(cast, "general_call", "06:30", version)]).get_json()["results"]
    assert result["status"] == "applied" and result["result"]["version"] == version + 1
    assert day_state(demo, cast)[0] == 6 * 60 + 30


def test_an_update_based_on_an_old_version_is_a_conflict_showing_both_values(demo, cast, office):
    general_call, _, version = day_state(demo, cast)
    post_sync(office, [update(cast, "notes", "Rain cover ready.", version)])
    [result] = post_sync(office, [update(cast, "general_call", "06:00", version)]).get_json()["results"]
    assert result["status"] == "conflict"
    assert result["conflict"] == {
        "entity": "shoot_day",
        "entity_id": cast.day_id,
        "field": "general_call",
        "yours": 360,
        "theirs": general_call,
        "base_version": version,
        "server_version": version + 1,
    }
    assert day_state(demo, cast) == (general_call, "Rain cover ready.", version + 1)
    [retry] = post_sync(office, [update(cast, "general_call", "06:00", version + 1)]).get_json()["results"]
    assert retry["status"] == "applied"


def test_an_old_update_that_matches_the_server_value_has_converged(demo, cast, office):
    _, _, version = day_state(demo, cast)
    post_sync(office, [update(cast, "notes", "Boots.", version)])
    [result] = post_sync(office, [update(cast, "notes", "Boots.", version)]).get_json()["results"]
    assert result["status"] == "applied"
    assert day_state(demo, cast)[2] == version + 1


def test_crew_cannot_update_the_schedule(demo, cast, crew):
    [result] = post_sync(crew, [update(cast, "general_call", "05:00", 1)]).get_json()["results"]
    assert result["reason"] == "forbidden"


def test_an_invalid_value_is_rejected_and_changes_nothing(demo, cast, office):
    before = day_state(demo, cast)
    [result] = post_sync(office, [update(cast, "general_call", None, before[2])]).get_json()["results"]
    assert result["reason"] == "malformed" and "value" in result["errors"]["payload"]
    assert day_state(demo, cast) == before


def test_a_revoked_session_gets_401_and_nothing_is_applied(demo, cast, crew):
    with demo.app_context():
        db.session.execute(sa.delete(DeviceSession))
        db.session.commit()
    response = post_sync(crew, [op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id})])
    assert response.status_code == 401 and response.get_json()["error"] == "signed_out"
    assert events(demo) == []


def test_signed_out_gets_401(demo, client, cast):
    assert post_sync(client, []).status_code == 401


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Callboard-Sync": ""},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_requests_without_the_sync_header_or_from_another_site_are_403(demo, cast, crew, headers):
    response = post_sync(crew, [op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id})], headers=headers)
    assert response.status_code == 403 and response.get_json()["error"] == "csrf"
    assert events(demo) == []


def test_a_form_encoded_post_is_403(demo, cast, crew):
    response = crew.post("/api/sync", data={"ops": "[]"}, headers={"X-Callboard-Sync": "1"}, csrf=False)
    assert response.status_code == 403


def test_no_form_token_is_needed_and_no_origin_headers_are_fine(demo, cast, crew):
    response = post_sync(crew, [], headers={"Origin": None, "Sec-Fetch-Site": None})
    assert response.status_code == 200


def test_more_than_200_operations_is_413_and_200_are_fine(demo, cast, crew):
    ops = [op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id}) for _ in range(201)]
    response = post_sync(crew, ops)
    assert response.status_code == 413 and response.get_json()["error"] == "too_many"
    assert events(demo) == []
    assert post_sync(crew, ops[:200]).status_code == 200
    assert len(events(demo)) == 200


def test_a_batch_without_send_time_is_422_and_not_json_is_400(demo, cast, crew):
    response = crew.post("/api/sync", json={"ops": []}, headers={"X-Callboard-Sync": "1"}, csrf=False)
    assert response.status_code == 422 and "sent_at" in response.get_json()["errors"]
    response = crew.post(
        "/api/sync", data="{", content_type="application/json", headers={"X-Callboard-Sync": "1"}, csrf=False
    )
    assert response.status_code == 400


def test_changes_list_newer_revisions_of_my_call_sheets_since_the_cursor(demo, cast, crew):
    tomorrow = cast.day_id  # today's sheet (the seed published revision 1), then newer ones
    publish(demo, tomorrow, 1, "White", now() - timedelta(hours=3))
    first = post_sync(crew, []).get_json()
    assert [(c["colour"], c["shoot_day_id"]) for c in first["changes"]] == [("White", cast.day_id)]
    assert first["changes"][0]["url"].startswith(f"/p/{cast.production_id}/")
    assert f"/p/{cast.production_id}/my-day" in first["prefetch"]
    quiet = post_sync(crew, [], cursor=first["cursor"]).get_json()
    assert quiet["changes"] == [] and quiet["prefetch"] == []
    publish(demo, tomorrow, 2, "Blue")
    newer = post_sync(crew, [], cursor=quiet["cursor"]).get_json()
    assert [(c["colour"], c["number"]) for c in newer["changes"]] == [("Blue", 3)]


def test_changes_leave_out_call_sheets_i_am_not_called_on(demo, cast, crew):
    with demo.app_context():
        db.session.add(
            PersonCall(production_id=cast.production_id, shoot_day_id=cast.day_id, person_id=cast.crew_id, called=False)
        )
        db.session.commit()
    publish(demo, cast.day_id, 1, "White")
    assert post_sync(crew, []).get_json()["changes"] == []


def test_a_body_over_the_size_limit_is_413(demo, cast, crew):
    padding = "x" * (2 * 1024 * 1024)
    response = post_sync(
        crew, [op(cast.production_id, "running_late", {"shoot_day_id": cast.day_id, "eta": "07:00", "note": padding})]
    )
    assert response.status_code == 413 and response.get_json()["error"] == "too_large"


def _pages_to_save(answer: dict) -> set[str]:
    return set(answer["prefetch"]) | {change["url"] for change in answer["changes"]}


def test_a_first_sync_saves_my_day_and_the_call_sheets_of_today_and_the_next_two_days(demo, cast, crew):
    with demo.app_context():
        days = db.session.scalars(
            sa.select(ShootDay.id).where(ShootDay.production_id == cast.production_id).order_by(ShootDay.date)
        ).all()
    earlier = now() - timedelta(hours=1)
    revisions = [publish(demo, day, 1, "White", earlier) for day in days[:4]]
    first = post_sync(crew, []).get_json()
    pages = _pages_to_save(first)
    film = f"/p/{cast.production_id}"
    assert f"{film}/my-day" in pages
    assert {f"{film}/revisions/{revision}" for revision in revisions[:3]} <= pages
    assert f"{film}/revisions/{revisions[3]}" not in pages  # three days ahead: not yet
    assert _pages_to_save(post_sync(crew, [], cursor=first["cursor"]).get_json()) == set()

    newer = publish(demo, days[1], 2, "Blue")  # tomorrow's sheet is revised
    answer = post_sync(crew, [], cursor=first["cursor"]).get_json()
    assert _pages_to_save(answer) == {f"{film}/my-day", f"{film}/revisions/{newer}"}
