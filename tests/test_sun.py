"""Sunrise and sunset, computed offline from coordinates, date and the production's zone."""

from datetime import date

import pytest

from app.schedule.sun import POLAR_DAY, POLAR_NIGHT, sun_times
from app.timeutil import parse_clock

LONDON = (51.5074, -0.1278)
TROMSO = (69.6492, 18.9553)


def _near(minutes: int | None, expected: str, tolerance: int = 2) -> bool:
    return minutes is not None and abs(minutes - parse_clock(expected)) <= tolerance


@pytest.mark.parametrize(
    "day, sunrise, sunset",
    [
        (date(2024, 6, 21), "04:43", "21:21"),  # midsummer, British Summer Time
        (date(2024, 12, 21), "08:03", "15:53"),  # midwinter, GMT
    ],
)
def test_london_matches_published_times_within_two_minutes(day, sunrise, sunset):
    sun = sun_times(*LONDON, day, "Europe/London")
    assert _near(sun.sunrise, sunrise) and _near(sun.sunset, sunset)
    assert sun.note == ""


def test_times_are_wall_clock_in_the_production_zone_across_a_clock_change():
    before = sun_times(*LONDON, date(2024, 3, 30), "Europe/London")
    after = sun_times(*LONDON, date(2024, 3, 31), "Europe/London")  # clocks go forward an hour
    assert 55 <= after.sunrise - before.sunrise <= 60


@pytest.mark.parametrize(
    "place, zone, day, sunrise, sunset",
    [
        ((34.05, -118.24), "America/Los_Angeles", date(2024, 6, 21), "05:42", "20:08"),
        ((-33.87, 151.21), "Australia/Sydney", date(2024, 12, 21), "05:41", "20:05"),
    ],
)
def test_far_from_greenwich_the_evening_does_not_slip_into_the_next_utc_day(place, zone, day, sunrise, sunset):
    sun = sun_times(*place, day, zone)
    assert _near(sun.sunrise, sunrise) and _near(sun.sunset, sunset)


def test_midnight_sun_is_reported_instead_of_times():
    sun = sun_times(*TROMSO, date(2024, 6, 21), "Europe/Oslo")
    assert (sun.sunrise, sun.sunset, sun.note) == (None, None, POLAR_DAY)


def test_polar_night_is_reported_instead_of_times():
    sun = sun_times(*TROMSO, date(2024, 12, 21), "Europe/Oslo")
    assert (sun.sunrise, sun.sunset, sun.note) == (None, None, POLAR_NIGHT)


def test_a_short_night_near_the_polar_circle_still_has_a_sunrise():
    # astral's sunrise() gives up on this date (the event falls just before UTC midnight).
    sun = sun_times(*TROMSO, date(2024, 5, 13), "Europe/Oslo")
    assert parse_clock("01:00") < sun.sunrise < parse_clock("03:00")
    assert parse_clock("23:00") < sun.sunset < parse_clock("24:00")


def test_no_coordinates_means_no_sun_times():
    assert sun_times(None, None, date(2024, 6, 21), "Europe/London") is None
