"""A push that replaces an undelivered one says the cumulative change, not only the last step."""

import pytest
import sqlalchemy as sa

from app.crew.models import Person
from app.extensions import db
from app.push import subscriptions
from app.push.models import Notification
from app.schedule.models import ShootDay
from callsheet_fixtures import COORDINATOR, publish
from pushservice import push_app, push_service, worker  # noqa: F401

DAY = 1  # day 2 of the demo: nothing published by the seed


@pytest.fixture
def chris_phone(push_app, push_service, film):
    with push_app.app_context():
        phone = push_service.subscriber()
        subscriptions.subscribe(
            db.session.get(Person, film.chris_id).user_id,
            phone.endpoint,
            phone.p256dh,
            phone.auth,
            "Mozilla/5.0 (iPhone) Safari/604.1",
        )
        db.session.commit()
    return phone


def _publish(client, film):
    assert publish(client, film, DAY).status_code == 303
    return film.revisions()[-1]


def _lunch(film, minutes):
    with film.editing() as session:
        session.get(ShootDay, film.day_ids[DAY]).lunch = minutes


def _told(film, revision) -> tuple[str, str]:
    with film.app.app_context():
        note = db.session.scalar(
            sa.select(Notification).where(
                Notification.person_id == film.chris_id, Notification.source == f"revision:{revision.id}"
            )
        )
        return note.title, note.body


def _call_of(film, revision) -> str:
    minutes = next(e["call"] for d in revision.content["departments"] for e in d["crew"] if e["id"] == film.chris_id)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def test_an_undelivered_call_change_is_said_again_with_the_next_step(film, client, auth, chris_phone, worker):
    auth.login(COORDINATOR)
    first = _publish(client, film)
    worker.drain()  # Chris's phone has revision 1
    was = _call_of(film, first)
    film.move_call(film.chris_id, 5 * 60 + 45, day_index=DAY)
    _publish(client, film)  # revision 2 waits in the outbox: the phone is off
    _lunch(film, 12 * 60 + 30)
    third = _publish(client, film)
    title, body = _told(film, third)
    assert title == f"Your call moved {was} → 05:45"
    assert "Lunch" in body and "→ 12:30" in body


def test_a_delivered_step_is_not_repeated(film, client, auth, chris_phone, worker):
    auth.login(COORDINATOR)
    _publish(client, film)
    film.move_call(film.chris_id, 5 * 60 + 45, day_index=DAY)
    _publish(client, film)
    worker.drain()  # revision 2 reached the phone
    _lunch(film, 12 * 60 + 30)
    third = _publish(client, film)
    title, body = _told(film, third)
    assert title.startswith("Lunch moved") and "→ 12:30" in title
    assert "05:45" not in title + body


def test_a_change_undone_before_it_arrived_says_nothing_changed_since(film, client, auth, chris_phone, worker):
    auth.login(COORDINATOR)
    first = _publish(client, film)
    worker.drain()
    was = _call_of(film, first)
    hours, minutes = map(int, was.split(":"))
    film.move_call(film.chris_id, 5 * 60 + 45, day_index=DAY)
    _publish(client, film)
    film.move_call(film.chris_id, hours * 60 + minutes, day_index=DAY)  # back as it was
    third = _publish(client, film)
    title, body = _told(film, third)
    assert title == f"Revision {third.colour} published"
    assert body.endswith("Nothing changed for you since revision 1")
    with film.app.app_context():  # the same collapse key: the push service replaces the undelivered one
        tags = set(
            db.session.scalars(
                sa.select(Notification.tag).where(
                    Notification.person_id == film.chris_id, Notification.source != f"revision:{first.id}"
                )
            )
        )
    assert tags == {f"day-{film.day_ids[DAY]}"}


def test_a_revision_opened_since_counts_as_told(film, client, auth, chris_phone, worker):
    auth.login(COORDINATOR)
    _publish(client, film)
    worker.drain()
    film.move_call(film.chris_id, 5 * 60 + 45, day_index=DAY)
    second = _publish(client, film)
    auth.logout()
    auth.login("crew@example.com")
    assert client.get(film.url(f"/revisions/{second.id}")).status_code == 200  # Chris opened it in the app
    auth.logout()
    auth.login(COORDINATOR)
    _lunch(film, 12 * 60 + 30)
    title, body = _told(film, _publish(client, film))
    assert title.startswith("Lunch moved") and "05:45" not in body
