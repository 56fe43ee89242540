"""Private calendar feeds: my published calls in my phone's calendar, following every revision."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from icalendar import Calendar

from app.crew.models import Person
from app.extensions import db
from app.schedule.models import ShootDay
from app.timeutil import instant_at
from callsheet_fixtures import COORDINATOR, CREW, publish

LONDON = ZoneInfo("Europe/London")
FEED = re.compile(r'value="http://localhost(/cal/[^"]+\.ics)"')


def turn_on_feed(client, film) -> str:
    """Turn on (or renew) the signed-in person's calendar link; return its path."""
    response = client.post(film.url("/me/calendar"))
    assert response.status_code == 303
    return FEED.search(client.get(film.url("/me")).get_data(as_text=True)).group(1)


def events(app, path: str) -> list:
    """Fetch a feed without any session, as a calendar app would, and parse it for real."""
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.get_data()).walk("VEVENT")


def utc_call(film, day_index: int, minutes: int) -> datetime:
    with film.app.app_context():
        day = db.session.get(ShootDay, film.day_ids[day_index]).date
    local = datetime.combine(day, time(0)) + timedelta(minutes=minutes)
    return local.replace(tzinfo=LONDON).astimezone(UTC)


def test_my_feed_has_my_published_call_with_where_and_the_call_sheet_link(film, client, auth):
    auth.login(CREW)
    path = turn_on_feed(client, film)
    [event] = events(film.app, path)
    assert event.decoded("dtstart") == utc_call(film, 0, 7 * 60)
    assert str(event["uid"]) == f"call-{film.chris_id}-{film.day_ids[0]}@callboard"
    assert int(event["sequence"]) == 1
    assert "Albert Dock, Liverpool L3 4AF" in str(event["location"])
    revision = film.revisions()[0]
    assert str(event["url"]) == f"http://localhost/p/{film.id}/revisions/{revision.id}"
    assert str(event["summary"]).startswith("Call 07:00 · The Iron Men Day 1")


def test_a_feed_only_ever_shows_its_owners_calls(film, client, auth):
    with film.editing() as session:
        session.get(Person, film.priya_id).calendar_token = "priya-secret-link-0123456789abcdef"
    auth.login(CREW)
    mine = events(film.app, turn_on_feed(client, film))
    priyas = events(film.app, "/cal/priya-secret-link-0123456789abcdef.ics")
    assert [str(e["uid"]) for e in mine] == [f"call-{film.chris_id}-{film.day_ids[0]}@callboard"]
    assert [str(e["uid"]) for e in priyas] == [f"call-{film.priya_id}-{film.day_ids[0]}@callboard"]
    assert "Chris" not in str(
        Calendar.from_ical(
            film.app.test_client().get("/cal/priya-secret-link-0123456789abcdef.ics").get_data()
        ).to_ical()
    )


def test_an_unpublished_change_stays_out_and_a_new_revision_updates_the_event(film, client, auth):
    auth.login(CREW)
    path = turn_on_feed(client, film)
    film.move_call(film.chris_id, 6 * 60)  # a draft: not on any published call sheet yet
    [event] = events(film.app, path)
    assert event.decoded("dtstart") == utc_call(film, 0, 7 * 60) and int(event["sequence"]) == 1
    auth.login(COORDINATOR)
    assert publish(client, film).status_code in (200, 303)
    [event] = events(film.app, path)
    assert str(event["uid"]) == f"call-{film.chris_id}-{film.day_ids[0]}@callboard"
    assert int(event["sequence"]) == 2
    assert event.decoded("dtstart") == utc_call(film, 0, 6 * 60)


def test_each_published_day_i_am_called_on_is_in_my_feed_and_only_those(film, client, auth):
    with film.editing() as session:
        session.get(Person, film.chris_id).calendar_token = "chris-link-0123456789abcdefghijklmn"
    film.move_call(film.chris_id, 8 * 60, day_index=2, called=False)
    auth.login(COORDINATOR)
    publish(client, film, day_index=1)
    publish(client, film, day_index=2)
    uids = [str(e["uid"]) for e in events(film.app, "/cal/chris-link-0123456789abcdefghijklmn.ics")]
    assert uids == [f"call-{film.chris_id}-{film.day_ids[i]}@callboard" for i in (0, 1)]


def test_call_times_follow_the_production_clock_across_daylight_saving_and_midnight():
    spring_forward = date(2027, 3, 28)
    assert instant_at(spring_forward - timedelta(days=1), 7 * 60, LONDON) == datetime(2027, 3, 27, 7, tzinfo=UTC)
    assert instant_at(spring_forward, 7 * 60, LONDON) == datetime(2027, 3, 28, 6, tzinfo=UTC)
    assert instant_at(date(2027, 6, 10), 25 * 60, LONDON) == datetime(2027, 6, 11, 0, tzinfo=UTC)
    # The night the clocks go back, 01:00 happens twice: a call means the first one.
    assert instant_at(date(2027, 10, 30), 25 * 60, LONDON) == datetime(2027, 10, 31, 0, tzinfo=UTC)
    assert instant_at(date(2027, 10, 30), 26 * 60, LONDON) == datetime(2027, 10, 31, 2, tzinfo=UTC)


def test_a_reset_link_stops_the_old_one(film, client, auth):
    auth.login(CREW)
    old = turn_on_feed(client, film)
    new = turn_on_feed(client, film)
    assert new != old
    anonymous = film.app.test_client()
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200
    assert anonymous.get("/cal/not-a-link.ics").status_code == 404


def test_someone_removed_from_the_production_loses_their_feed(film, client, auth):
    auth.login(CREW)
    path = turn_on_feed(client, film)
    with film.editing() as session:
        session.delete(session.get(Person, film.chris_id))
    assert film.app.test_client().get(path).status_code == 404


def test_the_office_feed_has_every_shoot_day(film, client, auth):
    auth.login(COORDINATOR)
    found = events(film.app, turn_on_feed(client, film))
    days = sorted(str(e["uid"]) for e in found if str(e["uid"]).startswith("day-"))
    assert days == sorted(f"day-{day_id}@callboard" for day_id in film.day_ids)
    first = next(e for e in found if str(e["uid"]) == f"day-{film.day_ids[0]}@callboard")
    assert str(first["summary"]).startswith("Shoot day 1 · general call")


def test_the_office_feed_says_which_days_the_crew_have_a_call_sheet_for(film, client, auth):
    auth.login(COORDINATOR)
    path = turn_on_feed(client, film)
    film.move_call(film.chris_id, 6 * 60)
    assert publish(client, film).status_code in (200, 303)  # day 1: revision 2
    day = {str(e["uid"]): e for e in events(film.app, path) if str(e["uid"]).startswith("day-")}
    published, planned = day[f"day-{film.day_ids[0]}@callboard"], day[f"day-{film.day_ids[1]}@callboard"]
    revision = film.revisions()[-1]
    assert str(published["url"]) == f"http://localhost/p/{film.id}/revisions/{revision.id}"
    assert str(published["description"]).startswith(f"Published: revision 2 ({revision.colour}), call 07:00.")
    assert str(planned["url"]) == f"http://localhost/p/{film.id}/days/{film.day_ids[1]}"
    assert str(planned["description"]).startswith("Call sheet not published yet.")


def test_a_feed_costs_the_same_queries_however_many_shoot_days_there_are(film, client, auth):
    auth.login(COORDINATOR)
    path = turn_on_feed(client, film)
    anonymous = film.app.test_client()

    def queries() -> int:
        count = 0

        def counter(*_args):
            nonlocal count
            count += 1

        with film.app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", counter)
        try:
            assert anonymous.get(path).status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", counter)
        return count

    for day_index in (1, 2):
        assert publish(client, film, day_index=day_index).status_code in (200, 303)
    assert len({revision.shoot_day_id for revision in film.revisions()}) == 3
    five_days = queries()
    with film.editing() as session:
        for day_id in film.day_ids[1:]:
            session.delete(session.get(ShootDay, day_id))
    assert queries() == five_days


def test_no_feed_until_i_turn_it_on(film, client, auth):
    auth.login(CREW)
    page = client.get(film.url("/me")).get_data(as_text=True)
    assert "/cal/" not in page and "Turn on my calendar link" in page
    with film.app.app_context():
        assert db.session.scalar(sa.select(Person.calendar_token).where(Person.id == film.chris_id)) is None
