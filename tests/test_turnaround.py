"""Rest between wrap and the next call, across midnight, time zones and daylight saving."""

from datetime import UTC, date, datetime, timedelta

from app.checkins.models import WRAP, CheckIn
from app.crew.models import Department, Person
from app.extensions import db
from app.schedule.models import PersonCall, Production, ShootDay
from app.schedule.rest import rest_shortfalls
from app.timeutil import instant_at, minutes_of_day


def test_wall_clock_after_midnight_is_the_next_morning():
    assert instant_at(date(2026, 6, 1), 25 * 60 + 30, "Europe/London") == datetime(2026, 6, 2, 0, 30, tzinfo=UTC)


def test_rest_across_the_spring_daylight_saving_change_is_an_hour_shorter():
    wrap = instant_at(date(2026, 3, 28), 22 * 60, "Europe/London")  # GMT
    call = instant_at(date(2026, 3, 29), 8 * 60, "Europe/London")  # BST after 01:00
    assert call - wrap == timedelta(hours=9)


def test_rest_across_the_autumn_daylight_saving_change_is_an_hour_longer():
    wrap = instant_at(date(2026, 10, 24), 22 * 60, "America/New_York")
    call = instant_at(date(2026, 10, 25), 8 * 60, "America/New_York")
    assert call - wrap == timedelta(hours=10)
    wrap = instant_at(date(2026, 10, 31), 22 * 60, "America/New_York")
    call = instant_at(date(2026, 11, 1), 8 * 60, "America/New_York")
    assert call - wrap == timedelta(hours=11)


def test_minutes_of_day_counts_past_midnight_of_the_given_day():
    instant = datetime(2026, 6, 2, 0, 30, tzinfo=UTC)  # 01:30 BST on 2 June
    assert minutes_of_day(date(2026, 6, 1), instant, "Europe/London") == 25 * 60 + 30


def _two_days(app, wrap_first=22 * 60, call_second=6 * 60, zone="Europe/London", first=date(2026, 6, 1)):
    production = Production(title="Rest", timezone=zone)
    db.session.add(production)
    db.session.flush()
    grip = Department(production_id=production.id, name="Grip")
    db.session.add(grip)
    db.session.flush()
    crew = Person(production_id=production.id, name="Owen Marsh", department_id=grip.id)
    lead = Person(production_id=production.id, name="Eleanor Vance", cast_number=1, department_id=grip.id)
    db.session.add_all([crew, lead])
    day1 = ShootDay(
        production_id=production.id, date=first, day_number=1, general_call=10 * 60, estimated_wrap=wrap_first
    )
    day2 = ShootDay(production_id=production.id, date=first + timedelta(days=1), day_number=2, general_call=call_second)
    db.session.add_all([day1, day2])
    db.session.flush()
    for day in (day1, day2):
        db.session.add(
            PersonCall(
                production_id=production.id, shoot_day_id=day.id, person_id=lead.id, call_override=day.general_call
            )
        )
    db.session.flush()
    return production, crew, lead, day1, day2


def test_a_call_eight_hours_after_wrap_breaks_crew_and_cast_rest(app):
    with app.app_context():
        _, crew, lead, day1, day2 = _two_days(app)
        found = {s.name: s for s in rest_shortfalls(day2)}
        assert set(found) == {"Owen Marsh", "Eleanor Vance"}
        assert found["Owen Marsh"].short_by_minutes == 120
        assert found["Owen Marsh"].earliest_call == 8 * 60
        assert found["Eleanor Vance"].short_by_minutes == 240
        assert found["Eleanor Vance"].earliest_call == 10 * 60


def test_a_wrap_after_midnight_counts_from_the_real_wrap(app):
    with app.app_context():
        _, crew, _, day1, day2 = _two_days(app, wrap_first=25 * 60, call_second=11 * 60)
        found = {s.name: s for s in rest_shortfalls(day2)}
        assert "Owen Marsh" not in found  # exactly ten hours is enough
        assert found["Eleanor Vance"].short_by_minutes == 120


def test_a_recorded_check_out_replaces_the_estimated_wrap(app):
    with app.app_context():
        _, crew, _, day1, day2 = _two_days(app, wrap_first=18 * 60, call_second=6 * 60)
        assert "Owen Marsh" not in {s.name for s in rest_shortfalls(day2)}
        late_wrap = instant_at(day1.date, 23 * 60, "Europe/London")
        db.session.add(
            CheckIn(
                production_id=day1.production_id,
                shoot_day_id=day1.id,
                person_id=crew.id,
                kind=WRAP,
                tapped_at=late_wrap,
                sent_at=late_wrap,
                occurred_at=late_wrap,
            )
        )
        db.session.flush()
        found = {s.name: s for s in rest_shortfalls(day2)}
        assert found["Owen Marsh"].short_by_minutes == 180 and found["Owen Marsh"].wrap_recorded


def test_a_personal_minimum_rest_overrides_the_production_default(app):
    with app.app_context():
        _, crew, _, day1, day2 = _two_days(app, wrap_first=19 * 60, call_second=6 * 60)
        assert "Owen Marsh" not in {s.name for s in rest_shortfalls(day2)}
        crew.min_rest = 12 * 60
        assert {s.name for s in rest_shortfalls(day2)} >= {"Owen Marsh"}


def test_changing_todays_wrap_is_checked_against_tomorrows_call(app):
    with app.app_context():
        _, crew, _, day1, day2 = _two_days(app, wrap_first=23 * 60, call_second=7 * 60)
        outgoing = [s for s in rest_shortfalls(day1) if s.name == "Owen Marsh"]
        assert outgoing and outgoing[0].call_day_id == day2.id
        assert outgoing[0].short_by_minutes == 120
