"""One clock: a production's today, and instants as minutes of the shoot day, with one rounding rule."""

from datetime import UTC, date, datetime, timedelta

from app.checkins.board import WRAPPED, my_status
from app.checkins.models import WRAP, CheckIn
from app.crew.models import Department, Person
from app.extensions import db
from app.schedule.models import Production, ShootDay
from app.schedule.rest import rest_shortfalls
from app.timeutil import instant_at, minutes_of_day, production_today, to_the_minute, whole_minutes

LONDON = "Europe/London"
JUNE_1 = date(2026, 6, 1)
SPRING_FORWARD = date(2026, 3, 29)  # London: 01:00 GMT becomes 02:00 BST
FALL_BACK = date(2026, 10, 25)  # London: 02:00 BST becomes 01:00 GMT


def london(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """Return a June instant given on London's summer clock (BST, UTC+1)."""
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC) - timedelta(hours=1)


def test_an_instant_counts_as_the_minute_the_clock_shows():
    assert minutes_of_day(JUNE_1, london(JUNE_1, 7, 0, 0), LONDON) == 7 * 60
    assert minutes_of_day(JUNE_1, london(JUNE_1, 7, 0, 59), LONDON) == 7 * 60
    assert minutes_of_day(JUNE_1, london(JUNE_1, 6, 59, 59) + timedelta(microseconds=999_999), LONDON) == 7 * 60 - 1


def test_minutes_count_on_past_midnight_and_back_before_it():
    assert minutes_of_day(JUNE_1, london(JUNE_1 + timedelta(days=1), 1, 30, 20), LONDON) == 25 * 60 + 30
    assert minutes_of_day(JUNE_1, london(JUNE_1, 0, 0) - timedelta(seconds=20), LONDON) == -1


def test_minutes_read_the_wall_clock_on_a_daylight_saving_day():
    # 07:00 BST on the morning the clocks went forward is 06:00 UTC: seven hours on the wall
    # clock, six hours elapsed since midnight. Call times are wall clock, so the board says 07:00.
    seven = datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    assert minutes_of_day(SPRING_FORWARD, seven, LONDON) == 7 * 60
    assert instant_at(SPRING_FORWARD, 7 * 60, LONDON) == seven


def test_minutes_and_instants_round_trip_every_minute_of_a_daylight_saving_day():
    for day in (SPRING_FORWARD, FALL_BACK, JUNE_1):
        for minutes in range(-60, 30 * 60):
            if day == SPRING_FORWARD and 60 <= minutes < 120:
                continue  # 01:00–01:59 never shows on London's clocks that morning
            assert minutes_of_day(day, instant_at(day, minutes, LONDON), LONDON) == minutes, (day, minutes)


def test_an_hour_that_shows_twice_means_its_first_time():
    assert instant_at(FALL_BACK, 90, LONDON) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_spans_between_instants_on_the_minute_are_whole_minutes():
    wrap = to_the_minute(london(JUNE_1, 19, 0, 40))
    assert wrap == london(JUNE_1, 19, 0)
    assert whole_minutes(instant_at(JUNE_1 + timedelta(days=1), 5 * 60, LONDON) - wrap) == 10 * 60


def test_today_is_the_productions_date_not_the_servers():
    late_evening_utc = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
    assert production_today(Production(timezone="Asia/Tokyo"), late_evening_utc) == date(2026, 6, 2)
    assert production_today(Production(timezone="America/Los_Angeles"), late_evening_utc) == date(2026, 6, 1)
    assert production_today(Production(timezone=LONDON), late_evening_utc) == date(2026, 6, 2)


def _wrapped_at(wrap: datetime, next_call: int):
    """A crew member wrapped (recorded) on day 1 at `wrap`, called at `next_call` on day 2."""
    production = Production(title="Clock", timezone=LONDON)
    db.session.add(production)
    db.session.flush()
    grip = Department(production_id=production.id, name="Grip")
    db.session.add(grip)
    db.session.flush()
    person = Person(production_id=production.id, name="Owen Marsh", department_id=grip.id)
    day1 = ShootDay(production_id=production.id, date=JUNE_1, day_number=1, general_call=8 * 60, estimated_wrap=18 * 60)
    day2 = ShootDay(production_id=production.id, date=JUNE_1 + timedelta(days=1), day_number=2, general_call=next_call)
    db.session.add_all([person, day1, day2])
    db.session.flush()
    db.session.add(
        CheckIn(
            production_id=production.id,
            shoot_day_id=day1.id,
            person_id=person.id,
            kind=WRAP,
            tapped_at=wrap,
            sent_at=wrap,
            occurred_at=wrap,
        )
    )
    db.session.flush()
    return person, day1, day2


def test_the_board_and_the_turnaround_check_agree_on_a_wrap_with_seconds(app):
    # Crew rest is ten hours. A wrap at 19:00:40 shows as 19:00 on the board, so 05:00 is the
    # earliest call the turnaround check asks for, and a 05:00 call is not short (rounding the
    # wrap up for one and down for the other once made the office chase a phantom minute).
    with app.app_context():
        person, day1, day2 = _wrapped_at(london(JUNE_1, 19, 0, 40), next_call=5 * 60)
        shown = my_status(person, day1, now=london(JUNE_1, 21, 0))
        assert (shown.label, shown.at) == (WRAPPED, 19 * 60)
        assert "Owen Marsh" not in {found.name for found in rest_shortfalls(day2)}


def test_a_call_one_minute_before_the_earliest_is_one_minute_short(app):
    with app.app_context():
        person, day1, day2 = _wrapped_at(london(JUNE_1, 19, 0, 40), next_call=5 * 60 - 1)
        found = {found.name: found for found in rest_shortfalls(day2)}["Owen Marsh"]
        assert found.wrap_recorded
        assert (found.earliest_call, found.short_by_minutes) == (5 * 60, 1)
