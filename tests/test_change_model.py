"""One change model: every part of a person's call sheet, told to exactly the people who see it."""

import copy

import pytest

from app.callsheets.changes import compare, describe
from app.crew.models import Person
from app.extensions import db
from app.push import subscriptions
from app.schedule.models import ShootDay
from callsheet_fixtures import COORDINATOR, CREW, publish, text_of
from pushservice import push_app, push_service, worker  # noqa: F401

ADA, CHRIS, CAMILLE, GRETA = 1, 2, 3, 4  # cast #1; camera 1st AC; camera 2nd AC; grip
EVERYONE = {ADA, CHRIS, CAMILLE, GRETA}
CAMERA = {CHRIS, CAMILLE}


def _sheet() -> dict:
    """A small call sheet snapshot in the shape `app.callsheets.snapshot.build_snapshot` makes."""
    crew = [
        {"id": CHRIS, "name": "Chris", "job": "1st AC", "call": 420, "notes": ""},
        {"id": CAMILLE, "name": "Camille", "job": "2nd AC", "call": 400, "notes": ""},
    ]
    return {
        "day": {
            "id": 5,
            "date": "2026-12-03",
            "short": "Thu 3 Dec",
            "number": 2,
            "general_call": 420,
            "shooting_call": 480,
            "breakfast": 390,
            "breakfast_place": "Catering tent",
            "lunch": 780,
            "lunch_place": "Church hall",
            "wrap": 1140,
            "weather": "Dry, 9 °C",
            "notes": "",
            "safety": "Low tide at 14:00",
            "walkies": "Ch 1 production",
            "background": "",
        },
        "production": {"timezone": "Europe/London"},
        "location_id": 30,
        "locations": [
            {
                "id": 30,
                "name": "Harbour Warehouse",
                "address": "1 Quay St",
                "parking": "Lot B",
                "base_camp": "Car park",
                "holding": "Unit 4",
                "notes": "",
                "hospital": {"name": "St Mary's", "address": "Praed St", "phone": "020"},
            }
        ],
        "scenes": [{"number": "12", "cast_ids": [ADA]}, {"number": "13", "cast_ids": []}],
        "cast": [
            {
                "id": ADA,
                "number": 1,
                "name": "Ada",
                "character": "Maggie",
                "status": "W",
                "pickup": 360,
                "call": 390,
                "hmu": 400,
                "on_set": 450,
                "notes": "",
                "department_id": None,
            }
        ],
        "departments": [
            {"id": 10, "name": "Camera", "call": 420, "notes": "", "crew": crew},
            {
                "id": 11,
                "name": "Grip",
                "call": 420,
                "notes": "",
                "crew": [{"id": GRETA, "name": "Greta", "job": "Key grip", "call": 420, "notes": ""}],
            },
        ],
        "advance": [
            {
                "id": 6,
                "short": "Fri 4 Dec",
                "general_call": 420,
                "location": "Vance House",
                "scenes": [{"number": "14"}],
            }
        ],
    }


def _set(path: str, value):
    """Return an edit that sets one value of the sheet, addressed by a dotted path."""

    def edit(sheet):
        *parents, last = path.split(".")
        target = sheet
        for part in parents:
            target = target[int(part)] if part.isdecimal() else target[part]
        target[int(last) if last.isdecimal() else last] = value

    return edit


# One field changed → (kind, category, safety, who is told).
TABLE = [
    ("day.general_call", 450, "general_call", "time", False, EVERYONE),
    ("day.shooting_call", 510, "shooting_call", "time", False, EVERYONE),
    ("day.breakfast", 360, "breakfast", "time", False, EVERYONE),
    ("day.breakfast_place", "Hotel", "breakfast_place", "place", False, EVERYONE),
    ("day.lunch", 750, "lunch", "time", False, EVERYONE),
    ("day.lunch_place", "On set", "lunch_place", "place", False, EVERYONE),
    ("day.wrap", 1200, "wrap", "time", False, EVERYONE),
    ("day.weather", "Gale, 4 °C", "weather", "other", False, EVERYONE),
    ("day.notes", "Closed set", "notes", "other", False, EVERYONE),
    ("day.safety", "Jellyfish, no wading", "safety", "safety", True, EVERYONE),
    ("day.walkies", "Ch 2 production", "walkies", "other", False, EVERYONE),
    ("day.background", "20 dockers", "background", "other", False, EVERYONE),
    ("locations.0.address", "2 Quay St", "address", "place", False, EVERYONE),
    ("locations.0.parking", "Lot C", "parking", "place", False, EVERYONE),
    ("locations.0.base_camp", "Field", "base_camp", "place", False, EVERYONE),
    ("locations.0.holding", "Unit 5", "holding", "place", False, EVERYONE),
    ("locations.0.notes", "Mind the crane", "location_notes", "other", False, EVERYONE),
    (
        "locations.0.hospital",
        {"name": "UCH", "address": "Euston Rd", "phone": "020"},
        "hospital",
        "place",
        True,
        EVERYONE,
    ),
    ("locations.0.name", "Dry Dock", "location", "place", False, EVERYONE),
    ("advance.0.general_call", 360, "advance", "other", False, EVERYONE),
    ("cast.0.call", 375, "call", "time", False, {ADA}),
    ("cast.0.pickup", 345, "pickup", "time", False, {ADA}),
    ("cast.0.hmu", 380, "hmu", "time", False, {ADA}),
    ("cast.0.on_set", 440, "on_set", "time", False, {ADA}),
    ("cast.0.notes", "Bring glasses", "call_notes", "other", False, {ADA}),
    ("scenes.0.cast_ids", [], "scenes", "scenes", False, {ADA}),
    ("departments.0.crew.0.call", 390, "call", "time", False, {CHRIS}),
    ("departments.0.call", 390, "department_call", "time", False, CAMERA),
    ("departments.0.notes", "Two cameras from lunch", "department_notes", "other", False, CAMERA),
    ("departments.1.notes", "Dolly track at 10", "department_notes", "other", False, {GRETA}),
]


@pytest.mark.parametrize("path, value, kind, category, safety, told", TABLE, ids=[row[0] for row in TABLE])
def test_one_changed_field_is_one_classified_change_for_exactly_those_who_see_it(
    path, value, kind, category, safety, told
):
    before = _sheet()
    after = copy.deepcopy(before)
    _set(path, value)(after)
    changes = compare(before, after)
    assert set(map(int, changes)) == told
    for person_id in told:
        (change,) = changes[str(person_id)]
        assert (change["kind"], change["category"], change["safety"]) == (kind, category, safety)
        assert change["text"]


def test_an_unchanged_sheet_has_no_changes_for_anyone():
    assert compare(_sheet(), _sheet()) == {}


def test_personal_time_changes_come_first_and_safety_before_the_rest():
    before = _sheet()
    after = copy.deepcopy(before)
    for edit in (
        _set("day.weather", "Rain"),
        _set("day.safety", "Jellyfish, no wading"),
        _set("day.lunch", 750),
        _set("departments.0.crew.0.call", 390),
    ):
        edit(after)
    kinds = [change["kind"] for change in compare(before, after)[str(CHRIS)]]
    assert kinds == ["call", "safety", "lunch", "weather"]


def test_times_read_as_before_and_after_and_long_notes_are_quoted_short():
    before = _sheet()
    after = copy.deepcopy(before)
    _set("day.lunch", 750)(after)
    _set("day.notes", "Quiet on the quay " * 20)(after)
    texts = [change["text"] for change in compare(before, after)[str(GRETA)]]
    assert texts[0] == "Lunch 13:00 → 12:30"
    assert texts[1].startswith("Notes: Quiet on the quay") and texts[1].endswith("…") and len(texts[1]) < 100


def test_the_office_sees_day_wide_changes_once_and_personal_ones_per_person():
    before = _sheet()
    after = copy.deepcopy(before)
    _set("day.lunch", 750)(after)
    _set("cast.0.pickup", 345)(after)
    rows = describe(compare(before, after), after, before)
    assert [(row["name"], [c["text"] for c in row["changes"]]) for row in rows] == [
        ("Everyone called", ["Lunch 13:00 → 12:30"]),
        ("Ada", ["Pickup 06:00 → 05:45"]),
    ]


@pytest.fixture
def phone(push_app, push_service, film):
    """Give Chris (crew, camera) one loopback phone."""
    with push_app.app_context():
        found = push_service.subscriber()
        subscriptions.subscribe(
            db.session.get(Person, film.chris_id).user_id,
            found.endpoint,
            found.p256dh,
            found.auth,
            "Mozilla/5.0 (iPhone) Safari/604.1",
        )
        db.session.commit()
    return found


def test_lunch_and_a_new_hazard_are_pushed_to_the_crew_never_nothing_changed(film, client, auth, phone, worker):
    auth.login(COORDINATOR)
    assert publish(client, film, 1).status_code == 303
    worker.drain()
    phone.requests.clear()
    with film.editing() as session:
        day = session.get(ShootDay, film.day_ids[1])
        day.lunch, day.safety_notes = 12 * 60 + 30, "Jellyfish, no wading"
    assert publish(client, film, 1).status_code == 303
    worker.drain()
    revision = film.revisions()[-1]
    (message,) = phone.messages
    assert message["title"] == "Safety: Jellyfish, no wading"  # safety first, then the day's times
    assert message["body"].startswith("Lunch ") and " → 12:30 · " in message["body"]
    assert "Nothing changed" not in message["body"]
    page = client.get(film.url(f"/revisions/{revision.id}")).get_data(as_text=True)
    assert "Everyone called" in page and "Safety: Jellyfish, no wading" in page


def _move_chris_and_publish(client, film, minutes):
    film.move_call(film.chris_id, minutes)
    assert publish(client, film).status_code == 303


def test_my_day_says_what_changed_since_i_last_looked_across_missed_revisions_until_i_confirm(film, client, auth):
    auth.login(CREW)
    page = text_of(client.get(film.url("/my-day")))  # Chris reads revision 1: 07:00
    assert "What changed for you" not in page
    auth.login(COORDINATOR)
    _move_chris_and_publish(client, film, 6 * 60 + 30)  # revision 2, which Chris misses
    with film.editing() as session:
        session.get(ShootDay, film.day_ids[0]).safety_notes = "Jellyfish, no wading"
    _move_chris_and_publish(client, film, 6 * 60 + 15)  # revision 3
    auth.login(CREW)
    response = client.get(film.url("/my-day"))
    page = text_of(response)
    # one cumulative list from the revision he last opened (1) to the newest (3)
    assert "What changed for you since revision 1" in page
    assert "Call 07:00 → 06:15" in page and "Safety: Jellyfish, no wading" in page
    assert "06:15 was 07:00" in page  # the old call right under the new one
    newest = film.revisions()[-1]
    confirm = client.post(film.url(f"/revisions/{newest.id}/confirm"), data={"back": "my-day"})
    assert confirm.status_code == 303
    page = text_of(client.get(film.url("/my-day")))
    assert "What changed for you" not in page and "was 07:00" not in page


def test_the_revision_a_push_opens_starts_with_my_own_call_and_what_changed(film, client, auth):
    auth.login(CREW)
    client.get(film.url("/my-day"))
    auth.login(COORDINATOR)
    _move_chris_and_publish(client, film, 6 * 60 + 15)
    auth.login(CREW)
    page = text_of(client.get(film.url(f"/revisions/{film.revisions()[-1].id}")))
    assert page.index("Your call 06:15 was 07:00") < page.index("What changed for you") < page.index("Crew call")


def test_a_forced_call_tells_the_person_the_rest_it_leaves_and_that_the_office_agreed(
    film, client, auth, phone, worker
):
    with film.editing() as session:  # day 1 wraps at 18:00; Chris (crew) needs 10 h
        session.get(ShootDay, film.day_ids[1]).general_call = 3 * 60
    auth.login(COORDINATOR)
    assert client.post(film.url(f"/days/{film.day_ids[1]}/publish"), data={"acknowledge_rest": "on"}).status_code == 303
    worker.drain()
    (message,) = phone.messages
    short = film.revisions()[-1].content["day"]["short"]
    assert message["title"] == (
        f"Your call {short} 03:00 — 9 h rest after your last wrap (minimum 10 h), agreed by the office"
    )


def _announce(client, film, **form):
    return client.post(film.url("/announcements"), data=form, headers={"HX-Request": "true"})


def test_an_announcement_for_a_day_shows_on_my_day_with_that_call_and_news_for_no_day_for_a_day(film, client, auth):
    auth.login(COORDINATOR)
    office = client.get(film.url("/")).get_data(as_text=True)
    assert 'name="day"' in office and "Not a particular day" in office
    sent = _announce(
        client, film, title="Rain cover: studio 2", body="Bring wet weather gear.", day=str(film.day_ids[0])
    )
    assert sent.status_code == 200 and "Sent to" in sent.get_data(as_text=True)
    assert _announce(client, film, title="Wrap party Friday", day="").status_code == 200
    assert _announce(client, film, title="Day 3 is a night shoot", day=str(film.day_ids[2])).status_code == 200
    auth.login(CREW)
    page = text_of(client.get(film.url("/my-day")))  # Chris's next call is day 1
    assert "From the production office" in page
    assert "Rain cover: studio 2 Bring wet weather gear." in page and "Wrap party Friday" in page
    assert "Day 3 is a night shoot" not in page


@pytest.mark.parametrize("day", ["0", "abc", str(2**40), "999999"])
def test_an_announcement_for_a_day_not_of_this_production_is_a_field_error(film, client, auth, day):
    auth.login(COORDINATOR)
    refused = _announce(client, film, title="Somewhere else", day=day)
    assert refused.status_code == 422
    assert "Choose a shoot day from the list, or none." in text_of(
        refused
    ) or "Choose a shoot day of this production." in text_of(refused)
