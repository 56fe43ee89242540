"""Sane times: a check-in long before the call, or a wrap before the check-in or the call, is
stored with a flag the today board shows, judged by the tap time against the published call."""

import re
from datetime import date, timedelta
from itertools import permutations

import pytest
import sqlalchemy as sa

from app.callsheets import service as callsheets
from app.checkins.models import CheckIn
from app.crew.models import Person
from app.extensions import db
from app.schedule.models import PersonCall, ShootDay
from app.timeutil import instant_at, minutes_of_day, parse_clock, production_today
from sync_helpers import Cast, now, op, post_sync

ZONE = "Europe/London"


@pytest.fixture
def cast(demo):
    return Cast(demo)


@pytest.fixture
def yesterday(demo, cast):
    """Move the shoot day to yesterday, so every tap of the night before its call is in the past."""
    with demo.app_context():
        day = db.session.get(ShootDay, cast.day_id)
        taken = set(
            db.session.scalars(
                sa.select(ShootDay.date).where(ShootDay.production_id == cast.production_id, ShootDay.id != day.id)
            )
        )
        when = production_today(day.production) - timedelta(days=1)
        while when in taken:
            when -= timedelta(days=1)
        day.date = when
        db.session.commit()
        return when


def give_call(app, cast, person_id: int, minutes: int, publish: bool = True) -> None:
    """Set a person's call on the shoot day, and publish it as the office does."""
    with app.app_context():
        call = db.session.scalar(
            sa.select(PersonCall).where(PersonCall.shoot_day_id == cast.day_id, PersonCall.person_id == person_id)
        )
        if call is None:
            call = PersonCall(production_id=cast.production_id, shoot_day_id=cast.day_id, person_id=person_id)
            db.session.add(call)
        call.called, call.call_override = True, minutes
        db.session.flush()
        if publish:
            office = db.session.get(Person, cast.coordinator_id)
            callsheets.publish(db.session.get(ShootDay, cast.day_id), office)
        db.session.commit()


def at(when: date, clock: str):
    """Return the instant a London clock shows `clock` on `when`."""
    return instant_at(when, parse_clock(clock), ZONE)


def tap(cast, kind: str, tapped_at, **payload) -> dict:
    return op(cast.production_id, kind, {"shoot_day_id": cast.day_id, **payload}, tapped_at)


def board_row(client, cast, person_id: int) -> tuple[str, str]:
    page = client.get(f"/p/{cast.production_id}/today?day={cast.day_id}").get_data(as_text=True)
    match = re.search(
        rf'<li class="board-row" data-person-id="{person_id}" data-state="([a-z-]+)"[^>]*>(.*?)</li>', page, re.S
    )
    assert match, f"person {person_id} is not on the board"
    return match.group(1), " ".join(match.group(2).split())


def summary(client, cast) -> str:
    page = client.get(f"/p/{cast.production_id}/today?day={cast.day_id}").get_data(as_text=True)
    return " ".join(re.search(r'<p class="board-summary"[^>]*>(.*?)</p>', page, re.S).group(1).split())


def events(app) -> list[CheckIn]:
    with app.app_context():
        return db.session.scalars(sa.select(CheckIn).order_by(CheckIn.occurred_at)).all()


def test_a_check_in_at_00_48_for_a_06_15_call_is_flagged_and_the_board_shows_it_confirmed(
    demo, cast, client, auth, yesterday
):
    give_call(demo, cast, cast.crew_id, parse_clock("06:15"))
    auth.login("crew@example.com")
    [result] = post_sync(client, [tap(cast, "check_in", at(yesterday, "00:48"), confirmed=True)]).get_json()["results"]
    assert result["status"] == "applied"
    assert result["result"]["flag"] == "5 h 27 min before call 06:15" and result["result"]["confirmed"] is True
    auth.login("coordinator@example.com")
    state, text = board_row(client, cast, cast.crew_id)
    assert state == "checked-in"
    assert "⚑ Checked in 00:48 — 5 h 27 min before call 06:15, confirmed" in text and "odd time" in text
    assert "⚑ 1 odd time — check" in summary(client, cast) and "0 in" in summary(client, cast)


def test_an_odd_check_in_the_phone_did_not_ask_about_is_stored_flagged_never_dropped(
    demo, cast, client, auth, yesterday
):
    give_call(demo, cast, cast.crew_id, parse_clock("06:15"))
    auth.login("crew@example.com")
    [result] = post_sync(client, [tap(cast, "check_in", at(yesterday, "00:48"))]).get_json()["results"]
    assert result["status"] == "applied" and result["result"]["confirmed"] is False
    [event] = events(demo)
    assert event.flag == "5 h 27 min before call 06:15" and not event.flag_confirmed
    auth.login("coordinator@example.com")
    text = board_row(client, cast, cast.crew_id)[1]
    assert "00:48 — 5 h 27 min before call 06:15, not confirmed on the phone" in text


def test_a_wrap_before_the_call_is_flagged_and_never_counted_as_wrapped_silently(demo, cast, client, auth, yesterday):
    give_call(demo, cast, cast.crew_id, parse_clock("06:15"))
    auth.login("crew@example.com")
    post_sync(
        client,
        [
            tap(cast, "check_in", at(yesterday, "00:48"), confirmed=True),
            tap(cast, "check_out", at(yesterday, "00:51"), confirmed=True),
        ],
    )
    assert [e.flag for e in events(demo)] == ["5 h 27 min before call 06:15", "5 h 24 min before call 06:15"]
    auth.login("coordinator@example.com")
    state, text = board_row(client, cast, cast.crew_id)
    assert state == "wrapped" and "Wrapped 00:51 · odd time" in text
    assert "⚑ Wrapped 00:51 — 5 h 24 min before call 06:15, confirmed" in text
    counts = summary(client, cast)
    assert "0 wrapped" in counts and "⚑ 1 odd time — check" in counts


def test_a_wrap_before_the_check_in_is_flagged_whichever_reaches_the_server_first(demo, cast, client, auth, yesterday):
    give_call(demo, cast, cast.crew_id, parse_clock("06:15"))
    auth.login("crew@example.com")
    # The wrap (06:20, after the call) syncs first; the earlier-sent check-in tapped at 06:30 comes later.
    [wrap] = post_sync(client, [tap(cast, "check_out", at(yesterday, "06:20"))]).get_json()["results"]
    assert "flag" not in wrap["result"]
    post_sync(client, [tap(cast, "check_in", at(yesterday, "06:30"))])
    flags = {e.kind: e.flag for e in events(demo)}
    assert flags == {"arrival": None, "wrap": "before check-in 06:30"}
    # And in the other order: the check-in first, then a wrap tapped before it.
    give_call(demo, cast, cast.gaffer_id, parse_clock("06:15"))
    auth.login("coordinator@example.com")
    post_sync(client, [tap(cast, "check_in", at(yesterday, "06:30"), person_id=cast.gaffer_id)])
    [late_wrap] = post_sync(
        client, [tap(cast, "check_out", at(yesterday, "06:25"), person_id=cast.gaffer_id)]
    ).get_json()["results"]
    assert late_wrap["result"]["flag"] == "before check-in 06:30"
    assert "⚑ Wrapped 06:25 — before check-in 06:30, by hand" in board_row(client, cast, cast.gaffer_id)[1]


def test_the_flags_do_not_depend_on_the_order_the_taps_reach_the_server(demo, cast, client, auth, yesterday):
    give_call(demo, cast, cast.crew_id, parse_clock("06:15"))
    taps = [("check_out", "05:00"), ("check_in", "06:40"), ("check_out", "06:20"), ("check_in", "06:30")]
    auth.login("crew@example.com")
    outcomes = set()
    for order in permutations(taps):
        with demo.app_context():
            db.session.execute(sa.delete(CheckIn))
            db.session.commit()
        for kind, clock in order:  # one batch each: every arrival order a patchy signal allows
            post_sync(client, [tap(cast, kind, at(yesterday, clock))])
        outcomes.add(tuple((e.kind, e.flag) for e in events(demo)))
    assert outcomes == {
        (
            ("wrap", "1 h 15 min before call 06:15"),
            ("wrap", "before check-in 06:30"),
            ("arrival", None),
            ("arrival", None),
        )
    }


def test_an_offline_tap_is_judged_by_its_tap_time_not_when_it_reaches_the_server(demo, cast, client, auth, yesterday):
    give_call(demo, cast, cast.crew_id, parse_clock("06:15"))
    auth.login("crew@example.com")
    # Tapped at 00:48 with no signal, delivered hours later (now): judged at 00:48.
    post_sync(client, [tap(cast, "check_in", at(yesterday, "00:48"), confirmed=True)], sent_at=now())
    # A sane 05:40 check-in sent much later is not flagged, though it arrives long after the call.
    post_sync(client, [tap(cast, "check_in", at(yesterday, "05:40"))], sent_at=now())
    assert [e.flag for e in events(demo)] == ["5 h 27 min before call 06:15", None]


def test_the_phone_clock_offset_is_corrected_before_judging(demo, cast, client, auth):
    with demo.app_context():
        today = db.session.get(ShootDay, cast.day_id).date
        call = minutes_of_day(today, now(), ZONE) + 60
    give_call(demo, cast, cast.crew_id, call)
    slow = timedelta(hours=4)  # the phone's clock says 4 h earlier than it is
    auth.login("crew@example.com")
    post_sync(client, [tap(cast, "check_in", now() - slow)], sent_at=now() - slow)
    [event] = events(demo)
    assert event.flag is None  # corrected: one hour before the call, not five


def test_the_window_is_a_setting(demo, cast, client, auth, yesterday):
    demo.config["CHECKIN_EARLY_WINDOW_MINUTES"] = 6 * 60
    give_call(demo, cast, cast.crew_id, parse_clock("06:15"))
    auth.login("crew@example.com")
    post_sync(client, [tap(cast, "check_in", at(yesterday, "00:48"))])
    assert events(demo)[0].flag is None
    demo.config["CHECKIN_EARLY_WINDOW_MINUTES"] = 60
    post_sync(client, [tap(cast, "check_in", at(yesterday, "05:14"))])
    assert events(demo)[1].flag == "1 h 1 min before call 06:15"


def test_times_are_judged_against_the_published_call_not_a_draft(demo, cast, client, auth, yesterday):
    give_call(demo, cast, cast.crew_id, parse_clock("06:15"))
    give_call(demo, cast, cast.crew_id, parse_clock("01:00"), publish=False)  # the office's draft
    auth.login("crew@example.com")
    post_sync(client, [tap(cast, "check_in", at(yesterday, "00:48"))])
    assert events(demo)[0].flag == "5 h 27 min before call 06:15"


def test_sane_times_and_running_late_carry_no_flag(demo, cast, client, auth, yesterday):
    give_call(demo, cast, cast.crew_id, parse_clock("06:15"))
    auth.login("crew@example.com")
    results = post_sync(
        client,
        [
            tap(cast, "running_late", at(yesterday, "00:10"), eta="06:40"),
            tap(cast, "check_in", at(yesterday, "06:35")),
            tap(cast, "check_out", at(yesterday, "19:00")),
        ],
    ).get_json()["results"]
    assert all("flag" not in r["result"] for r in results)
    auth.login("coordinator@example.com")
    assert "1 wrapped" in summary(client, cast) and "odd time" not in summary(client, cast)


def test_the_check_in_button_carries_the_published_call_for_the_phone_to_ask(demo, cast, client, auth):
    with demo.app_context():
        today = db.session.get(ShootDay, cast.day_id).date
        call = minutes_of_day(today, now(), ZONE) + 5 * 60
    give_call(demo, cast, cast.crew_id, call)
    auth.login("crew@example.com")
    page = client.get(f"/p/{cast.production_id}/my-day").get_data(as_text=True)
    section = re.search(r"<section class=\"checkin\"[^>]*>", page, re.S).group(0)
    assert f'data-call-at="{instant_at(today, call, ZONE).isoformat()}"' in section
    assert 'data-early-window-minutes="180"' in section and 'data-checked-in-at=""' in section


def test_the_no_javascript_form_stores_an_odd_check_in_flagged_and_says_so_on_my_day(demo, cast, client, auth):
    with demo.app_context():
        today = db.session.get(ShootDay, cast.day_id).date
        call = minutes_of_day(today, now(), ZONE) + 5 * 60
    give_call(demo, cast, cast.crew_id, call)
    auth.login("crew@example.com")
    response = client.post(
        f"/p/{cast.production_id}/actions/check_in", data={"shoot_day_id": cast.day_id, "confirmed": "1"}
    )
    assert response.status_code == 303
    [event] = events(demo)
    assert event.flag.startswith("5 h") and event.flag_confirmed
    page = client.get(f"/p/{cast.production_id}/my-day").get_data(as_text=True)
    assert "data-checkin-flag" in page and ", confirmed" in page
