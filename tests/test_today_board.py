"""The coordinator's live today board: who is in, late, running late, wrapped or not called."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.callsheets import service as callsheets
from app.checkins.models import CheckIn
from app.crew.models import Person
from app.extensions import db
from app.schedule.models import PersonCall, ShootDay
from app.timeutil import format_clock, minutes_of_day
from sync_helpers import Cast, now, op, post_sync


@pytest.fixture
def cast(demo):
    return Cast(demo)


def person_id(app, name):
    with app.app_context():
        return db.session.scalar(sa.select(Person.id).where(Person.name == name))


def call_at(app, cast, pid, minutes_from_now):
    """Give a person today's call a number of minutes from now and publish it; return that call."""
    with app.app_context():
        day = db.session.get(ShootDay, cast.day_id)
        call = minutes_of_day(day.date, now(), "Europe/London") + minutes_from_now
        db.session.add(
            PersonCall(production_id=cast.production_id, shoot_day_id=day.id, person_id=pid, call_override=call)
        )
        db.session.flush()
        publish_day(day)
        db.session.commit()
        return call


def publish_day(day):
    """Publish a day's call sheet as the office does (the board shows published calls only)."""
    office = db.session.scalar(
        sa.select(Person).where(Person.production_id == day.production_id, Person.role == "coordinator").limit(1)
    )
    callsheets.publish(day, office)


def row(page, pid):
    match = re.search(rf'<li class="board-row" data-person-id="{pid}" data-state="([a-z-]+)">(.*?)</li>', page, re.S)
    assert match, f"person {pid} is not on the board"
    return match.group(1), " ".join(match.group(2).split())


def board_page(client, cast, **headers):
    response = client.get(f"/p/{cast.production_id}/today", headers=headers)
    assert response.status_code == 200
    return response


def test_the_board_is_for_the_production_office_only(demo, cast, client, auth):
    assert client.get(f"/p/{cast.production_id}/today").status_code == 302  # sign in first
    auth.login("crew@example.com")
    assert client.get(f"/p/{cast.production_id}/today").status_code == 403
    assert client.get(f"/p/{cast.other_production_id}/today").status_code == 404


def test_every_called_person_shows_with_call_time_and_state(demo, cast, client, auth):
    late = person_id(demo, "Owen Marsh")
    expected = person_id(demo, "Niamh Byrne")
    wrapped = person_id(demo, "Felix Carter")
    late_call = call_at(demo, cast, late, -30)
    expected_call = call_at(demo, cast, expected, +90)
    auth.login("crew@example.com")
    post_sync(client, [op(cast.production_id, "running_late", {"shoot_day_id": cast.day_id, "eta": "09:15"})])
    auth.login("coordinator@example.com")
    post_sync(
        client,
        [
            op(
                cast.production_id,
                "check_in",
                {"shoot_day_id": cast.day_id, "person_id": wrapped},
                now() - timedelta(hours=2),
            ),
            op(cast.production_id, "check_out", {"shoot_day_id": cast.day_id, "person_id": wrapped}),
        ],
    )
    page = board_page(client, cast).get_data(as_text=True)
    assert row(page, late)[0] == "late" and f"Call {format_clock(late_call)}" in row(page, late)[1]
    assert row(page, expected)[0] == "expected" and f"Call {format_clock(expected_call)}" in row(page, expected)[1]
    assert row(page, cast.crew_id)[0] == "running-late" and "Running late · ETA 09:15" in row(page, cast.crew_id)[1]
    assert row(page, wrapped)[0] == "wrapped" and "· by hand" in row(page, wrapped)[1]
    assert "Check in by hand" not in row(page, wrapped)[1]


def test_arrival_time_is_corrected_for_the_phone_clock(demo, cast, client, auth):
    slow = timedelta(minutes=10)
    arrived = now() - timedelta(minutes=20)
    auth.login("crew@example.com")
    post_sync(
        client,
        [op(cast.production_id, "check_in", {"shoot_day_id": cast.day_id}, arrived - slow)],
        sent_at=now() - slow,
    )
    auth.login("coordinator@example.com")
    with demo.app_context():
        day = db.session.get(ShootDay, cast.day_id)
        shown = format_clock(minutes_of_day(day.date, arrived, "Europe/London"))
        phone = format_clock(minutes_of_day(day.date, arrived - slow, "Europe/London"))
    state, text = row(board_page(client, cast).get_data(as_text=True), cast.crew_id)
    assert state == "checked-in" and f"Checked in {shown}" in text and phone not in text


def test_uncalled_people_are_listed_as_not_called(demo, cast, client, auth):
    with demo.app_context():
        db.session.add(
            PersonCall(
                production_id=cast.production_id, shoot_day_id=cast.day_id, person_id=cast.gaffer_id, called=False
            )
        )
        db.session.flush()
        publish_day(db.session.get(ShootDay, cast.day_id))
        db.session.commit()
    auth.login("coordinator@example.com")
    page = board_page(client, cast).get_data(as_text=True)
    assert "Not called today" in page
    state, text = row(page.split("Not called today", 1)[1], cast.gaffer_id)
    assert state == "not-called" and "Not called" in text


def test_htmx_polls_the_board_fragment_every_five_seconds(demo, cast, client, auth):
    auth.login("coordinator@example.com")
    page = board_page(client, cast)
    fragment = board_page(client, cast, **{"HX-Request": "true"})
    assert "<html" in page.get_data(as_text=True)
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="board"') and "<html" not in body
    assert 'hx-trigger="every 5s"' in body and "HX-Request" in fragment.headers["Vary"]


def test_checking_someone_in_by_hand_is_marked_and_a_double_tap_counts_once(demo, cast, client, auth):
    auth.login("coordinator@example.com")
    form = {"person_id": cast.gaffer_id, "shoot_day_id": cast.day_id, "op_id": "1b1e2f4c-90aa-4c2d-8f55-3a0f0f0f0f01"}
    first = client.post(f"/p/{cast.production_id}/today/check-in", data=form, headers={"HX-Request": "true"})
    client.post(f"/p/{cast.production_id}/today/check-in", data=form, headers={"HX-Request": "true"})
    state, text = row(first.get_data(as_text=True), cast.gaffer_id)
    assert state == "checked-in" and "· by hand" in text
    with demo.app_context():
        [event] = db.session.scalars(sa.select(CheckIn)).all()
        assert event.by_hand and event.person_id == cast.gaffer_id


def test_checking_in_by_hand_without_javascript_redirects_to_the_board(demo, cast, client, auth):
    auth.login("coordinator@example.com")
    response = client.post(
        f"/p/{cast.production_id}/today/check-in", data={"person_id": cast.gaffer_id, "shoot_day_id": cast.day_id}
    )
    assert response.status_code == 303 and "/today" in response.headers["Location"]


def test_checking_in_someone_of_another_production_by_hand_is_refused(demo, cast, client, auth):
    auth.login("coordinator@example.com")
    with demo.app_context():
        outsider = db.session.scalar(
            sa.select(Person.id).where(Person.production_id == cast.other_production_id, Person.name == "Rhys Evans")
        )
    response = client.post(
        f"/p/{cast.production_id}/today/check-in",
        data={"person_id": outsider, "shoot_day_id": cast.day_id},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422 and "not on this production" in response.get_data(as_text=True)
    response = client.post(
        f"/p/{cast.production_id}/today/check-in", data={"person_id": cast.gaffer_id, "shoot_day_id": cast.other_day_id}
    )
    assert response.status_code == 404


def test_a_production_without_a_shoot_day_today_says_so(demo, cast, client, auth):
    auth.login("coordinator@example.com")
    response = client.get(f"/p/{cast.other_production_id}/today")
    assert response.status_code == 200 and "No shoot day today" in response.get_data(as_text=True)


def test_the_board_shows_the_published_call_until_the_office_publishes_the_draft(demo, cast, client, auth):
    auth.login("coordinator@example.com")
    published = re.search(r"Call \d\d:\d\d", row(board_page(client, cast).get_data(as_text=True), cast.gaffer_id)[1])[0]
    with demo.app_context():  # a draft change: the gaffer's phone still has the published call
        db.session.add(
            PersonCall(
                production_id=cast.production_id,
                shoot_day_id=cast.day_id,
                person_id=cast.gaffer_id,
                call_override=3 * 60 + 15,
            )
        )
        db.session.commit()
    page = board_page(client, cast).get_data(as_text=True)
    assert published in row(page, cast.gaffer_id)[1] and "Call 03:15" not in row(page, cast.gaffer_id)[1]
    with demo.app_context():
        publish_day(db.session.get(ShootDay, cast.day_id))
        db.session.commit()
    assert "Call 03:15" in row(board_page(client, cast).get_data(as_text=True), cast.gaffer_id)[1]
