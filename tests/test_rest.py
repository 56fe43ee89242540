"""Rest between calls in the office: shortfalls while editing, forced calls at publish, call history."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.auth.models import User
from app.auth.service import hash_password
from app.callsheets.models import CallSheetRevision, CallTimeChange, ForcedCall
from app.checkins.models import WRAP, CheckIn
from app.crew.models import Person
from app.extensions import db
from app.schedule.models import Production, ShootDay
from callsheet_fixtures import COORDINATOR, CREW, film, publish, text_of  # noqa: F401

HX = {"HX-Request": "true"}


def day_form(**changes):
    form = {
        "general_call": "07:30",
        "shooting_call": "08:30",
        "breakfast": "",
        "lunch": "13:00",
        "estimated_wrap": "18:30",
        "weather": "Dry",
        "notes": "",
        "safety_notes": "",
        "walkie_channels": "",
        "background": "",
        "breakfast_place": "",
        "lunch_place": "",
    }
    form.update(changes)
    return form


def shortfall_of(body: str, person_id: int, day_id: int) -> str:
    match = re.search(rf'<li id="rest-{person_id}-{day_id}">(.*?)</li>', body, re.S)
    assert match, f"no shortfall listed for person {person_id} on day {day_id}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def set_general_call(film, day_index: int, minutes: int) -> None:
    with film.editing() as session:
        session.get(ShootDay, film.day_ids[day_index]).general_call = minutes


def test_moving_the_general_call_earlier_lists_everyone_short_of_rest_with_the_earliest_call(film, client, auth):
    auth.login(COORDINATOR)
    day2 = film.day_ids[1]
    quiet = client.get(film.url(f"/days/{day2}")).get_data(as_text=True)
    assert 'id="rest-shortfalls"' in quiet and "Rest too short" not in quiet
    # Day 1 wraps at 18:00; Chris (camera, crew: 10 h) is called with general call on day 2.
    response = client.post(film.url(f"/days/{day2}"), data=day_form(general_call="03:00"), headers=HX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert '<section id="calls" class="section" hx-swap-oob="true">' in body
    chris = shortfall_of(body, film.chris_id, day2)
    assert "Chris Dunmore" in chris and "call 03:00" in chris
    assert "short by 1:00" in chris and "earliest call 04:00" in chris and "estimated wrap" in chris
    page = client.get(film.url(f"/days/{day2}")).get_data(as_text=True)
    assert "Rest too short" in page and "earliest call 04:00" in shortfall_of(page, film.chris_id, day2)


def test_a_recorded_check_out_counts_instead_of_the_estimated_wrap(film, client, auth):
    with film.editing() as session:
        day1 = session.get(ShootDay, film.day_ids[0])
        day1.production.min_rest_crew = 10 * 60
        wrap = datetime.combine(day1.date, datetime.min.time(), ZoneInfo("Europe/London")) + timedelta(hours=22)
        wrap = wrap.astimezone(UTC)
        session.add(
            CheckIn(
                production_id=film.id,
                shoot_day_id=day1.id,
                person_id=film.chris_id,
                kind=WRAP,
                tapped_at=wrap,
                sent_at=wrap,
                occurred_at=wrap,
            )
        )
    auth.login(COORDINATOR)
    body = client.post(film.url(f"/days/{film.day_ids[1]}"), data=day_form(), headers=HX).get_data(as_text=True)
    chris = shortfall_of(body, film.chris_id, film.day_ids[1])
    assert "short by 0:30" in chris and "earliest call 08:00" in chris and "check-out" in chris
    assert f'id="rest-{film.priya_id}-' not in body  # Priya wrapped at the estimated 18:00


def test_a_persons_own_call_and_own_minimum_rest_refresh_the_list(film, client, auth):
    auth.login(COORDINATOR)
    day2 = film.day_ids[1]
    response = client.post(film.url(f"/days/{day2}/calls/{film.chris_id}"), data={"call_override": "03:30"}, headers=HX)
    body = response.get_data(as_text=True)
    assert '<div id="rest-shortfalls" class="rest-shortfalls" aria-live="polite" hx-swap-oob="true">' in body
    assert "short by 0:30" in shortfall_of(body, film.chris_id, day2)
    with film.editing() as session:
        session.get(Person, film.chris_id).min_rest = 9 * 60
    page = client.get(film.url(f"/days/{day2}")).get_data(as_text=True)
    assert f'id="rest-{film.chris_id}-{day2}"' not in page


def test_rest_settings_for_the_production_and_a_person_take_hours(film, client, auth):
    auth.login(COORDINATOR)
    settings = client.get(film.url("/settings")).get_data(as_text=True)
    assert 'name="min_rest_crew" value="10:00"' in settings and 'name="min_rest_cast" value="12:00"' in settings
    form = {
        "title": "The Iron Men",
        "timezone": "Europe/London",
        "revision_colours": "White, Blue",
        "min_rest_crew": "11:30",
        "min_rest_cast": "12.5",
    }
    assert client.post(film.url("/settings"), data=form).status_code == 303
    bad = client.post(film.url("/settings"), data={**form, "min_rest_crew": "ten", "min_rest_cast": "30"})
    assert bad.status_code == 422
    assert "Enter hours like 10:00, 10 or 10.5." in text_of(bad) and "from 1 to 24 hours" in text_of(bad)
    person = {"name": "Chris Dunmore", "role": "crew", "min_rest": "9"}
    assert client.post(film.url(f"/crew/{film.chris_id}"), data=person).status_code == 303
    assert client.post(film.url(f"/crew/{film.chris_id}"), data={**person, "min_rest": "9:75"}).status_code == 422
    with film.app.app_context():
        production = db.session.get(Production, film.id)
        assert (production.min_rest_crew, production.min_rest_cast) == (690, 750)
        assert db.session.get(Person, film.chris_id).min_rest == 540
    assert client.post(film.url(f"/crew/{film.chris_id}"), data={**person, "min_rest": ""}).status_code == 303
    with film.app.app_context():
        assert db.session.get(Person, film.chris_id).min_rest is None


def revisions_of_day(film, day_index):
    with film.app.app_context():
        return db.session.scalars(
            sa.select(CallSheetRevision).where(CallSheetRevision.shoot_day_id == film.day_ids[day_index])
        ).all()


def test_publishing_short_rest_needs_an_acknowledgement_and_records_forced_calls(film, client, auth):
    set_general_call(film, 1, 3 * 60)
    auth.login(COORDINATOR)
    day2 = film.day_ids[1]
    preview = client.get(film.url(f"/days/{day2}/callsheet")).get_data(as_text=True)
    assert "earliest call 04:00" in shortfall_of(preview, film.chris_id, day2)
    assert 'name="acknowledge_rest"' in preview
    refused = client.post(film.url(f"/days/{day2}/publish"))
    assert refused.status_code == 422
    assert "Rest falls short for" in text_of(refused) and "Nothing was published" in text_of(refused)
    assert revisions_of_day(film, 1) == []
    published = client.post(film.url(f"/days/{day2}/publish"), data={"acknowledge_rest": "on"})
    assert published.status_code == 303
    [revision] = revisions_of_day(film, 1)
    with film.app.app_context():
        forced = {
            row.person_id: row
            for row in db.session.scalars(sa.select(ForcedCall).where(ForcedCall.revision_id == revision.id))
        }
        chris = forced[film.chris_id]
        assert (chris.call, chris.earliest_call, chris.short_by_minutes, chris.required_minutes) == (180, 240, 60, 600)
        assert chris.call_day_id == day2 and chris.name == "Chris Dunmore"
        assert db.session.get(Person, chris.acknowledged_by_id).user.email == COORDINATOR
    page = text_of(client.get(published.headers["Location"]))
    assert "Forced calls" in page and "Chris Dunmore Day 2 call 03:00 short by 1:00" in page
    auth.login(CREW)
    assert "Forced calls" not in text_of(client.get(published.headers["Location"]))


def test_publishing_without_short_rest_needs_no_acknowledgement(film, client, auth):
    auth.login(COORDINATOR)
    preview = client.get(film.url(f"/days/{film.day_ids[1]}/callsheet")).get_data(as_text=True)
    assert 'name="acknowledge_rest"' not in preview
    assert publish(client, film, 1).status_code == 303
    [revision] = revisions_of_day(film, 1)
    with film.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ForcedCall.id))) == 0


def test_every_published_call_change_is_recorded_per_person(film, client, auth):
    auth.login(COORDINATOR)
    film.move_call(film.chris_id, 6 * 60)
    assert publish(client, film).status_code == 303
    revision = film.revisions()[-1]
    with film.app.app_context():
        rows = db.session.scalars(sa.select(CallTimeChange).where(CallTimeChange.revision_id == revision.id)).all()
        assert [(r.person_id, r.shoot_day_id, r.from_minutes, r.to_minutes) for r in rows] == [
            (film.chris_id, film.day_ids[0], 7 * 60, 6 * 60)
        ]
        assert rows[0].changed_by_id == film.dana_id and rows[0].production_id == film.id
        assert rows[0].at is not None
    page = text_of(client.get(film.url(f"/people/{film.chris_id}/call-history")))
    assert "Call history · Chris Dunmore" in page and "Call 07:00 → 06:00" in page
    assert f"revision {revision.number} · {revision.colour}" in page and "by Dana Whitfield" in page


def test_the_first_published_call_sheet_starts_each_persons_call_history(film, client, auth):
    [first] = film.revisions()
    with film.app.app_context():
        rows = db.session.scalars(
            sa.select(CallTimeChange).where(
                CallTimeChange.revision_id == first.id, CallTimeChange.person_id == film.chris_id
            )
        ).all()
        assert [(r.from_minutes, r.to_minutes, r.changed_by_id) for r in rows] == [(None, 7 * 60, film.dana_id)]
    auth.login(CREW)
    mine = text_of(client.get(film.url("/my-calls/history")))
    assert "07:00" in mine and f"revision 1 · {first.colour}" in mine


def test_crew_see_only_their_own_call_history(film, client, auth):
    auth.login(COORDINATOR)
    film.move_call(film.chris_id, 6 * 60)
    film.move_call(film.priya_id, 5 * 60 + 30)
    assert publish(client, film).status_code == 303
    auth.login(CREW)
    mine = text_of(client.get(film.url("/my-calls/history")))
    assert "My call history" in mine and "Call 07:00 → 06:00" in mine and "05:30" not in mine
    assert client.get(film.url(f"/people/{film.priya_id}/call-history")).status_code == 403
    assert client.get(film.url(f"/people/{film.chris_id}/call-history")).status_code == 403


def test_call_history_of_another_production_is_not_found(film, client, auth):
    with film.editing() as session:  # Rhys directs the short only
        rhys = session.scalar(sa.select(Person).where(Person.name == "Rhys Evans"))
        rhys.user = User(email="rhys@example.com", name="Rhys Evans", password_hash=hash_password("callboard-demo"))
        rhys.role = "coordinator"
    auth.login("rhys@example.com")
    assert client.get(film.url("/my-calls/history")).status_code == 404
    assert client.get(film.url(f"/people/{film.chris_id}/call-history")).status_code == 404
    short = f"/p/{film.short_id}/people/{film.chris_id}/call-history"
    assert client.get(short).status_code == 404  # Chris is not on the short
