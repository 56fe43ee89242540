"""Published revisions: numbered, coloured, immutable, with per-person changes and a history."""

import pytest
import sqlalchemy as sa

from app.callsheets.models import CallSheetRevision, RevisionLocked
from app.callsheets.service import NothingChanged, revision_colour
from app.callsheets.service import publish as publish_revision
from app.crew.models import Person
from app.extensions import db
from app.schedule.models import DEFAULT_REVISION_COLOURS, Production, Scene, ShootDay
from callsheet_fixtures import COORDINATOR, CREW, publish, text_of


@pytest.mark.parametrize(
    "number, colour",
    [
        (1, "White"),
        (2, "Blue"),
        (3, "Pink"),
        (4, "Yellow"),
        (5, "Green"),
        (6, "Goldenrod"),
        (7, "Buff"),
        (8, "Salmon"),
        (9, "Cherry"),
        (10, "Double White"),
        (11, "Double Blue"),
        (18, "Double Cherry"),
        (19, "Triple White"),
        (28, "Quadruple White"),
        (37, "5× White"),
    ],
)
def test_revision_colours_follow_the_industry_sequence(number, colour):
    assert revision_colour(DEFAULT_REVISION_COLOURS, number) == colour


def test_a_production_can_configure_its_own_colour_sequence():
    assert [revision_colour("White, Yellow", n) for n in (1, 2, 3, 4, 5)] == [
        "White",
        "Yellow",
        "Double White",
        "Double Yellow",
        "Triple White",
    ]
    assert revision_colour("", 2) == "Blue"


def test_the_seeded_demo_has_a_published_first_day(film):
    [revision] = film.revisions()
    assert (revision.number, revision.colour, revision.shoot_day_id) == (1, "White", film.day_ids[0])
    assert revision.published_by_id == film.dana_id


def test_publishing_a_change_creates_the_next_revision_and_shows_who_published_it(film, client, auth):
    film.move_call(film.chris_id, 6 * 60 + 30)
    auth.login(COORDINATOR)
    response = publish(client, film)
    assert response.status_code == 303
    second = film.revisions()[-1]
    assert response.headers["Location"].endswith(f"/p/{film.id}/revisions/{second.id}")
    assert (second.number, second.colour, second.published_by_id) == (2, "Blue", film.dana_id)
    page = text_of(client.get(response.headers["Location"]))
    assert "Revision 2 · Blue · published" in page and "by Dana Whitfield" in page


def test_publishing_uses_the_productions_colours(film, client, auth):
    with film.editing() as session:
        session.get(Production, film.id).revision_colours = "White,Goldenrod"
    film.move_call(film.chris_id, 6 * 60)
    auth.login(COORDINATOR)
    publish(client, film)
    assert film.revisions()[-1].colour == "Goldenrod"


def test_publishing_with_nothing_changed_is_refused_with_a_clear_message(film, client, auth):
    auth.login(COORDINATOR)
    response = publish(client, film)
    assert response.status_code == 409
    assert "Nothing has changed since revision 1 (White)" in text_of(response)
    assert len(film.revisions()) == 1


def test_the_service_refuses_an_identical_revision_and_never_commits(film):
    with film.app.app_context():
        day = db.session.get(ShootDay, film.day_ids[0])
        with pytest.raises(NothingChanged):
            publish_revision(day, db.session.get(Person, film.dana_id))
        day.general_call = 6 * 60
        publish_revision(day, db.session.get(Person, film.dana_id))
        db.session.rollback()  # nothing was committed by the service
    assert len(film.revisions()) == 1


def test_editing_live_data_never_changes_a_published_revision(film, client, auth):
    [first] = film.revisions()
    with film.editing() as session:
        day = session.get(ShootDay, film.day_ids[0])
        day.general_call, day.weather = 5 * 60, "Blizzard"
        session.scalar(
            sa.select(Scene).where(Scene.shoot_day_id == day.id, Scene.number == "12")
        ).synopsis = "Rewritten."
        session.get(Person, film.chris_id).name = "Christopher Dunmore"
    auth.login(COORDINATOR)
    page = text_of(client.get(film.url(f"/revisions/{first.id}")))
    assert "Crew call 07:00" in page and "Overcast" in page and "Maggie finds the ledger." in page
    assert "Chris Dunmore" in page
    assert "Blizzard" not in page and "Rewritten." not in page and "Christopher" not in page
    assert film.revisions()[0].content == first.content


def test_a_published_revision_cannot_be_updated(film):
    with film.app.app_context():
        revision = db.session.scalars(sa.select(CallSheetRevision)).one()
        revision.colour = "Pink"
        with pytest.raises(RevisionLocked):
            db.session.flush()
        db.session.rollback()
    assert film.revisions()[0].colour == "White"


def test_each_revision_stores_what_changed_for_whom(film, client, auth):
    [first] = film.revisions()
    assert first.changes[str(film.chris_id)] == [
        {
            "kind": "called",
            "category": "time",
            "scope": "person",
            "safety": False,
            "after": "07:00",
            "after_minutes": 420,
            "text": "Called 07:00",
        }
    ]
    film.move_call(film.chris_id, 6 * 60 + 30)
    auth.login(COORDINATOR)
    publish(client, film)
    second = film.revisions()[-1]
    assert second.changes == {
        str(film.chris_id): [
            {
                "kind": "call",
                "category": "time",
                "scope": "person",
                "safety": False,
                "before": "07:00",
                "after": "06:30",
                "before_minutes": 420,
                "after_minutes": 390,
                "text": "Call 07:00 → 06:30",
            }
        ]
    }
    page = text_of(client.get(film.url(f"/revisions/{second.id}")))
    assert "Chris Dunmore Call 07:00 → 06:30" in page


def test_history_lists_every_revision_newest_first_and_each_stays_readable(film, client, auth):
    auth.login(COORDINATOR)
    for minutes in (6 * 60 + 30, 6 * 60):
        film.move_call(film.chris_id, minutes)
        publish(client, film)
    auth.login(CREW)
    page = text_of(client.get(film.url(f"/days/{film.day_ids[0]}/revisions")))
    assert page.index("Revision 3 · Pink") < page.index("Revision 2 · Blue") < page.index("Revision 1 · White")
    calls = {}
    for revision in film.revisions():
        response = client.get(film.url(f"/revisions/{revision.id}"))
        assert response.status_code == 200
        calls[revision.number] = text_of(response)
    assert "Chris Dunmore 1st AC 07:00" in calls[1] and "Chris Dunmore 1st AC 06:00" in calls[3]
    assert "Revision 3 · Pink replaces this one" in calls[1] and "Confirm receipt" not in calls[1]


def test_crew_read_revisions_but_never_the_per_person_change_list(film, client, auth):
    [first] = film.revisions()
    auth.login(CREW)
    page = text_of(client.get(film.url(f"/revisions/{first.id}")))
    assert "Revision 1 · White" in page and "What changed for whom" not in page


def test_revisions_of_another_production_are_not_found(film, client, auth):
    [first] = film.revisions()
    auth.login(CREW)
    assert client.get(f"/p/{film.short_id}/revisions/{first.id}").status_code == 404
    assert client.get(f"/p/{film.short_id}/days/{film.day_ids[0]}/revisions").status_code == 404
    auth.login(COORDINATOR)
    assert client.get(f"/p/{film.short_id}/revisions/{first.id}").status_code == 404
    assert client.get(f"/p/{film.short_id}/revisions/{first.id}/board").status_code == 404


def test_publishing_needs_a_signed_in_coordinator(film, client, auth):
    assert publish(client, film).status_code == 302  # to the sign-in page
    auth.login(CREW)
    assert publish(client, film).status_code == 403
    assert client.get(film.url(f"/days/{film.day_ids[0]}/publish")).status_code == 405
