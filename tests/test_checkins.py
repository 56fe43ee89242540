"""The check-in button on My day, and the plain-form fallback that works without JavaScript."""

import re

import pytest
import sqlalchemy as sa
from flask import render_template_string

from app.checkins.models import CheckIn
from app.crew.models import Person
from app.extensions import db
from app.schedule.models import ShootDay
from sync_helpers import Cast, op, post_sync

BUTTON = '{% include "checkins/_checkin_button.html" %}'


@pytest.fixture
def cast(demo):
    return Cast(demo)


def button(app, cast):
    """Render the partial the way My day includes it, for the crew member and today."""
    with app.test_request_context("/p/1/my-day"):
        me = db.session.get(Person, cast.crew_id)
        return render_template_string(BUTTON, me=me, day=db.session.get(ShootDay, cast.day_id))


def shown_forms(html):
    forms = re.findall(r'<form method="post" action="([^"]+)" data-outbox-kind="([a-z_]+)"[^>]*?( hidden)?>', html)
    return {kind: not hidden for _action, kind, hidden in forms}


def test_before_arrival_the_button_checks_in_and_offers_running_late(demo, cast):
    html = button(demo, cast)
    assert shown_forms(html) == {"check_in": True, "check_out": False, "running_late": True}
    assert 'data-checkin-state="out"' in html
    assert f'data-shoot-day-id="{cast.day_id}"' in html and 'data-rendered-at="' in html
    assert re.search(r'name="op_id" value="[0-9a-f-]{36}"', html)


def test_after_check_in_the_button_checks_out_at_wrap(demo, cast, client, auth):
    auth.login("crew@example.com")
    post_sync(client, [op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id})])
    html = button(demo, cast)
    assert shown_forms(html)["check_out"] is True and shown_forms(html)["check_in"] is False
    assert re.search(r"Checked in \d\d:\d\d", html) and 'data-checkin-state="in"' in html
    assert '<details class="running-late" hidden>' in html


def test_after_wrap_no_button_is_offered(demo, cast, client, auth):
    auth.login("crew@example.com")
    post_sync(
        client,
        [
            op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id}),
            op(cast.production_id, "check_out", {"shoot_day_id": cast.day_id}),
        ],
    )
    html = button(demo, cast)
    forms = shown_forms(html)
    assert forms["check_in"] is forms["check_out"] is False and "Wrapped" in html
    assert '<details class="running-late" hidden>' in html


def test_without_javascript_the_form_checks_in_once_and_returns(demo, cast, client, auth):
    auth.login("crew@example.com")
    form = {
        "shoot_day_id": cast.day_id,
        "op_id": "5d3c1c2a-1111-4b0e-9a51-0f3f6c1d2e01",
        "next": f"/p/{cast.production_id}/my-day",
    }
    first = client.post(f"/p/{cast.production_id}/actions/check_in", data=form)
    again = client.post(f"/p/{cast.production_id}/actions/check_in", data=form)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == f"/p/{cast.production_id}/my-day"
    with demo.app_context():
        assert db.session.scalars(sa.select(CheckIn)).all()[0].person_id == cast.crew_id
        assert db.session.query(CheckIn).count() == 1


def test_the_fallback_sends_running_late_with_an_eta_typed_as_a_clock(demo, cast, client, auth):
    auth.login("crew@example.com")
    response = client.post(
        f"/p/{cast.production_id}/actions/running_late",
        data={"shoot_day_id": cast.day_id, "eta": "07:50", "next": "//evil.example"},
    )
    assert response.headers["Location"] == f"/p/{cast.production_id}/my-day"
    with demo.app_context():
        assert db.session.scalar(sa.select(CheckIn.eta)) == 7 * 60 + 50


def test_the_fallback_refuses_bad_input_clearly(demo, cast, client, auth):
    auth.login("crew@example.com")
    response = client.post(f"/p/{cast.production_id}/actions/running_late", data={"shoot_day_id": cast.day_id})
    assert response.status_code == 422 and "could not be read" in response.get_data(as_text=True)
    assert client.post(f"/p/{cast.production_id}/actions/teleport", data={}).status_code == 404
    assert (
        client.post(
            f"/p/{cast.other_production_id}/actions/check_in", data={"shoot_day_id": cast.other_day_id}
        ).status_code
        == 404
    )


def test_the_fallback_needs_the_csrf_token(demo, cast, client, auth):
    auth.login("crew@example.com")
    response = client.post(f"/p/{cast.production_id}/actions/check_in", data={"shoot_day_id": cast.day_id}, csrf=False)
    assert response.status_code == 400
