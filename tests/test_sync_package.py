"""The sync package: a protocol the domains plug their offline operations into, one set of rules."""

import ast
import pathlib
import uuid

import pytest
import sqlalchemy as sa
from marshmallow import EXCLUDE, Schema, fields

from app.crew import service as crew_service
from app.documents import filetypes
from app.extensions import db
from app.schedule.models import ShootDay
from app.sync import Rejected, registry
from app.sync.models import AppliedOperation
from sync_helpers import Cast, op, post_sync

APP = pathlib.Path(__file__).resolve().parent.parent / "app"
WRAP_BEFORE_CALL = "Wrap is before general call. After midnight, write 25:30 for 01:30."


@pytest.fixture
def cast(demo):
    return Cast(demo)


@pytest.fixture
def coordinator(client, auth, cast):
    auth.login("coordinator@example.com")
    return client


def day_state(app, day_id):
    with app.app_context():
        day = db.session.get(ShootDay, day_id)
        return {"general_call": day.general_call, "estimated_wrap": day.estimated_wrap, "version": day.version}


def set_day(app, day_id, **values):
    with app.app_context():
        day = db.session.get(ShootDay, day_id)
        for name, value in values.items():
            setattr(day, name, value)
        db.session.commit()


def edit(cast, field, value, base_version):
    return op(
        cast.production_id,
        "update_field",
        {"entity": "shoot_day", "entity_id": cast.day_id, "field": field, "value": value, "base_version": base_version},
    )


def day_form(**changes):
    return {
        "general_call": "07:00",
        "shooting_call": "08:00",
        "breakfast": "06:30",
        "lunch": "13:00",
        "estimated_wrap": "18:00",
        "weather": "Dry",
        "notes": "",
        "safety_notes": "",
        "walkie_channels": "",
        "background": "",
        "breakfast_place": "",
        "lunch_place": "",
        **changes,
    }


def test_each_domain_registers_its_own_offline_operations(app):
    owners = {kind: registry.operation(kind).handler.__module__ for kind in registry.kinds()}
    assert owners == {
        "check_in": "app.checkins.service",
        "check_out": "app.checkins.service",
        "running_late": "app.checkins.service",
        "confirm_revision": "app.callsheets.sync_ops",
        "update_field": "app.schedule.sync_ops",
    }


def test_the_sync_package_imports_no_domain():
    allowed = ("app.sync", "app.auth.permissions", "app.extensions", "app.bounds", "app.timeutil", "app.web")
    for path in sorted((APP / "sync").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app"):
                assert node.module.startswith(allowed), f"{path.name} imports {node.module}"


def test_the_whole_app_refuses_with_one_rejected():
    assert crew_service.Rejected is filetypes.Rejected is Rejected
    form = Rejected.on("name", "There is already a Camera department.")
    assert (form.errors, form.message, form.reason) == (
        {"name": ["There is already a Camera department."]},
        "There is already a Camera department.",
        "refused",
    )
    op_refusal = Rejected("That shoot day is not on this production.", reason="not_found")
    assert (op_refusal.errors, str(op_refusal)) == ({}, "That shoot day is not on this production.")


class CuePayload(Schema):
    class Meta:
        unknown = EXCLUDE

    cue = fields.String(required=True)


def test_a_new_offline_operation_needs_only_its_registration(demo, cast, client, auth, monkeypatch):
    heard = []

    def call_cue(actor, payload, tap):
        if payload["cue"] == "cut":
            raise Rejected("Only the director calls cut.", reason="forbidden")
        heard.append((actor.id, payload["cue"]))
        return {"cue": payload["cue"]}

    monkeypatch.setitem(registry._operations, "call_cue", registry.Operation("call_cue", call_cue, CuePayload))
    auth.login("crew@example.com")
    results = post_sync(
        client,
        [
            op(cast.production_id, "call_cue", {"cue": "action"}),
            op(cast.production_id, "call_cue", {"cue": "cut"}),
            op(cast.production_id, "call_cue", {}),
        ],
    ).get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected"]
    assert results[0]["result"] == {"cue": "action"}
    assert (results[1]["reason"], results[1]["message"]) == ("forbidden", "Only the director calls cut.")
    assert results[2]["reason"] == "malformed" and "cue" in results[2]["errors"]["payload"]
    # The no-JavaScript form route goes through the same registry and schema.
    form = {"cue": "rolling", "op_id": str(uuid.uuid4()), "next": "/"}
    assert client.post(f"/p/{cast.production_id}/actions/call_cue", data=form).status_code == 303
    assert client.post(f"/p/{cast.production_id}/actions/call_cue", data={}).status_code == 422
    assert heard == [(cast.crew_id, "action"), (cast.crew_id, "rolling")]


def test_an_unregistered_kind_is_refused_by_the_endpoint_and_the_form(demo, cast, client, auth):
    auth.login("crew@example.com")
    [result] = post_sync(client, [op(cast.production_id, "teleport", {})]).get_json()["results"]
    assert (result["status"], result["reason"]) == ("rejected", "malformed") and "kind" in result["errors"]
    assert client.post(f"/p/{cast.production_id}/actions/teleport", data={}).status_code == 404


def test_a_wrap_before_general_call_is_refused_by_the_form_and_by_a_sync_op_alike(demo, cast, coordinator):
    set_day(demo, cast.day_id, general_call=7 * 60, estimated_wrap=18 * 60)
    before = day_state(demo, cast.day_id)
    form = coordinator.post(
        f"/p/{cast.production_id}/days/{cast.day_id}", data=day_form(general_call="07:00", estimated_wrap="06:00")
    )
    assert form.status_code == 422 and WRAP_BEFORE_CALL in form.get_data(as_text=True)
    [result] = post_sync(coordinator, [edit(cast, "estimated_wrap", "06:00", before["version"])]).get_json()["results"]
    assert (result["status"], result["message"]) == ("rejected", WRAP_BEFORE_CALL)
    assert result["errors"] == {"estimated_wrap": [WRAP_BEFORE_CALL]}
    assert day_state(demo, cast.day_id) == before
    with demo.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AppliedOperation.id))) == 0  # nothing half-written


def test_moving_general_call_past_the_wrap_offline_meets_the_same_rule(demo, cast, coordinator):
    set_day(demo, cast.day_id, general_call=7 * 60, estimated_wrap=18 * 60)
    version = day_state(demo, cast.day_id)["version"]
    [late] = post_sync(coordinator, [edit(cast, "general_call", "19:00", version)]).get_json()["results"]
    assert (late["status"], late["message"]) == ("rejected", WRAP_BEFORE_CALL)
    [night] = post_sync(coordinator, [edit(cast, "estimated_wrap", "25:30", version)]).get_json()["results"]
    assert night["status"] == "applied" and day_state(demo, cast.day_id)["estimated_wrap"] == 25 * 60 + 30


@pytest.mark.parametrize(("typed", "minutes"), [("06:30", 390), ("0630", 390), ("6.30", 390), (390, 390)])
def test_an_offline_edit_reads_times_as_the_day_editor_does(demo, cast, coordinator, typed, minutes):
    version = day_state(demo, cast.day_id)["version"]
    [result] = post_sync(coordinator, [edit(cast, "general_call", typed, version)]).get_json()["results"]
    assert result["status"] == "applied" and day_state(demo, cast.day_id)["general_call"] == minutes


@pytest.mark.parametrize("typed", ["²³:00", "25:99", True, -5, 48 * 60, [7], {"h": 7}])
def test_an_offline_edit_with_an_unreadable_time_changes_nothing(demo, cast, coordinator, typed):
    before = day_state(demo, cast.day_id)
    [result] = post_sync(coordinator, [edit(cast, "general_call", typed, before["version"])]).get_json()["results"]
    assert (result["status"], result["reason"]) == ("rejected", "malformed")
    assert "value" in result["errors"]["payload"]
    assert day_state(demo, cast.day_id) == before


def test_pages_and_changes_come_from_the_domains_providers(demo, cast, client, auth):
    auth.login("coordinator@example.com")
    answer = post_sync(client, []).get_json()
    film = f"/p/{cast.production_id}"
    assert {f"{film}/my-day", f"{film}/today"} <= set(answer["prefetch"])
    assert all(change["url"].startswith("/p/") for change in answer["changes"])


@pytest.mark.parametrize(
    "target",
    [
        "/\r\nSet-Cookie: x=1",
        "/\t/evil.example",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "/\u3000/evil.example",
        "/p/1/\x00",
    ],
)
def test_the_action_form_sends_a_hostile_next_home(demo, cast, client, auth, target):
    auth.login("crew@example.com")
    response = client.post(
        f"/p/{cast.production_id}/actions/check_in", data={"shoot_day_id": cast.day_id, "next": target}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/p/{cast.production_id}/my-day"


def test_the_action_form_goes_back_to_a_local_page(demo, cast, client, auth):
    auth.login("crew@example.com")
    response = client.post(
        f"/p/{cast.production_id}/actions/check_in",
        data={"shoot_day_id": cast.day_id, "next": f"/p/{cast.production_id}/my-day?x=1"},
    )
    assert response.headers["Location"] == f"/p/{cast.production_id}/my-day?x=1"
