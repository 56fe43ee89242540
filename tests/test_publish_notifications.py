"""Publishing a call sheet tells each person what changed for them, through the real push path."""

import json
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.callsheets.models import CallSheetRevision
from app.callsheets.notify import reach
from app.crew.models import Person
from app.extensions import db
from app.push import subscriptions
from app.push.models import ONLY_MY_CHANGES, Notification
from app.schedule.models import ShootDay
from app.timeutil import utcnow
from callsheet_fixtures import COORDINATOR, publish
from pushservice import Answer, push_app, push_service, worker  # noqa: F401

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def phones(push_app, push_service, film):
    """Give Chris (crew) and Dana (coordinator) one loopback phone each."""
    found = {}
    with push_app.app_context():
        for person_id in (film.chris_id, film.dana_id):
            phone = push_service.subscriber()
            subscriptions.subscribe(
                db.session.get(Person, person_id).user_id,
                phone.endpoint,
                phone.p256dh,
                phone.auth,
                "Mozilla/5.0 (iPhone) Safari/604.1",
            )
            found[person_id] = phone
        db.session.commit()
    return found


def _day(film, index):
    with film.app.app_context():
        day = db.session.get(ShootDay, film.day_ids[index])
        return day.id, day.date, day.day_number


def _published(client, film, index):
    response = publish(client, film, index)
    assert response.status_code == 303, response.get_data(as_text=True)
    return film.revisions()[-1]


def _texts(phone):
    return [(m["title"], m["body"]) for m in phone.messages]


def _take(phone):
    texts = _texts(phone)
    phone.requests.clear()
    return texts


def _touch_weather(film, index, weather):
    with film.editing() as session:
        session.get(ShootDay, film.day_ids[index]).weather = weather


def test_a_series_of_revisions_tells_each_person_exactly_what_changed_for_them(film, client, auth, phones, worker):
    day_id, shoot_date, number = _day(film, 1)
    short = shoot_date.strftime("%a %-d %b")
    chris, dana = phones[film.chris_id], phones[film.dana_id]
    auth.login(COORDINATOR)

    first = _published(client, film, 1)
    worker.drain()
    chris_call = first.content["departments"]
    call = next(e["call"] for d in chris_call for e in d["crew"] if e["id"] == film.chris_id)
    clock = f"{call // 60:02d}:{call % 60:02d}"
    assert _take(chris) == [
        (f"Your call {short}: {clock} — Day {number}", f"Day {number} · {short} · Revision {first.colour}")
    ]
    assert len(_take(dana)) == 1  # the first publication tells everyone called

    film.move_call(film.chris_id, call - 30, day_index=1)
    moved = _published(client, film, 1)
    worker.drain()
    earlier = f"{(call - 30) // 60:02d}:{(call - 30) % 60:02d}"
    (received,) = chris.delivered
    assert received.text == json.dumps(
        {
            "id": received.message["id"],
            "title": f"Your call moved {clock} → {earlier}",
            "body": f"Day {number} · {short} · Revision {moved.colour}",
            "url": f"/p/{film.id}/revisions/{moved.id}",
            "tag": f"day-{day_id}",
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    chris.requests.clear()
    assert _take(dana) == [(f"Revision {moved.colour} published", f"Day {number} · {short} · Nothing changed for you")]

    with film.app.app_context():  # Dana only wants her own changes pushed
        subscriptions.set_preference(db.session.get(Person, film.dana_id).user_id, film.dana_id, ONLY_MY_CHANGES)
        db.session.commit()
    _touch_weather(film, 1, "Sunny, 14 °C")
    unrelated = _published(client, film, 1)
    worker.drain()
    # The weather is on everyone's sheet: everyone is told what changed, never "nothing changed";
    # a minor change is routine, so Dana's phone stays quiet ...
    assert _take(chris) == [("Weather: Sunny, 14 °C", f"Day {number} · {short} · Revision {unrelated.colour}")]
    assert _take(dana) == []
    with film.app.app_context():  # ... but her feed still has it
        titles = db.session.scalars(
            sa.select(Notification.title).where(Notification.person_id == film.dana_id).order_by(Notification.id)
        ).all()
        assert titles[-1] == "Weather: Sunny, 14 °C"
        # and the office's report says she chose it, not that she has no device
        report = {row.person_id: row for row in reach(db.session.get(CallSheetRevision, unrelated.id))}
        assert (report[film.dana_id].status, report[film.dana_id].detail) == (
            "feed only",
            "chose only their own changes",
        )
        assert report[film.chris_id].status == "pushed"

    film.move_call(film.chris_id, call - 30, day_index=1, called=False)
    released = _published(client, film, 1)
    worker.drain()
    assert _take(chris) == [
        (f"You are no longer called {short} (was {earlier})", f"Day {number} · {short} · Revision {released.colour}")
    ]

    _touch_weather(film, 1, "Rain, 8 °C")
    _published(client, film, 1)
    worker.drain()
    assert _take(chris) == []  # not called: nothing at all
    assert len(_take(dana)) == 0  # only her own changes, and there were none


def _call_instant(shoot_date: date, minutes: int) -> datetime:
    return (datetime.combine(shoot_date, time(0), tzinfo=LONDON) + timedelta(minutes=minutes)).astimezone(
        ZoneInfo("UTC")
    )


def test_pushes_live_until_the_call_are_urgent_on_the_day_and_replace_older_news_per_day(
    film, client, auth, phones, worker
):
    auth.login(COORDINATOR)
    _published(client, film, 1)
    future = _published(client, film, 2)
    before = utcnow()
    worker.drain()
    chris = phones[film.chris_id]
    by_tag = {r.message["tag"]: r for r in chris.delivered}
    later = by_tag[f"day-{film.day_ids[2]}"]
    _, shoot_date, _ = _day(film, 2)
    call = next(e["call"] for d in future.content["departments"] for e in d["crew"] if e["id"] == film.chris_id)
    expected = (_call_instant(shoot_date, call) - before).total_seconds()
    assert abs(later.ttl - expected) <= 5
    assert later.urgency == "normal"
    assert later.topic != by_tag[f"day-{film.day_ids[1]}"].topic

    chris.requests.clear()
    film.move_call(film.chris_id, 6 * 60, day_index=0)  # today's call sheet (published by the seed)
    _published(client, film, 0)
    worker.drain()
    (today,) = chris.delivered
    assert today.urgency == "high"
    assert today.ttl >= 3600 - 5  # a change after the call still lives an hour
    assert today.message["tag"] == f"day-{film.day_ids[0]}"


def test_the_coordinator_sees_who_was_pushed_and_whom_to_phone(film, client, auth, phones, push_service, worker):
    from callsheet_fixtures import text_of

    push_service.script(phones[film.chris_id], Answer(status=404))
    auth.login(COORDINATOR)
    revision = _published(client, film, 1)
    worker.drain()
    page = client.get(film.url(f"/revisions/{revision.id}"))
    html, text = page.get_data(as_text=True), text_of(page)
    assert "Not reached" in text
    assert 'href="tel:+447700900104"' in html  # Priya has no account: no device, phone her
    unreached = html.split('class="list unreached"')[1].split("</ul>")[0]
    assert "Priya Raman" in unreached and "Chris Dunmore" in unreached
    assert "no device" in unreached and "failed: The device&#39;s subscription has expired (404)" in unreached
    # Dana was pushed, and is reading it anyway: nobody needs to phone her.
    assert "Dana Whitfield" not in unreached
    assert 'Dana Whitfield</b> <small>changed</small> <span class="reach-status pushed">pushed' in html

    auth.logout()
    auth.login("crew@example.com")
    crew_view = client.get(film.url(f"/revisions/{revision.id}")).get_data(as_text=True)
    assert "Not reached" not in crew_view and "reach-status" not in crew_view


def _board_poll(client, film, revision, tag=None):
    headers = {"HX-Request": "true", **({"If-None-Match": tag} if tag else {})}
    return client.get(film.url(f"/revisions/{revision.id}/board"), headers=headers)


def _board_row(html: str, name: str) -> str:
    return html.split(f"<td>{name}<small>")[1].split("<tr")[0]


def test_the_board_shows_push_reach_live_and_whom_to_phone(film, client, auth, phones, push_service, worker):
    push_service.script(phones[film.dana_id], Answer(status=410))
    auth.login(COORDINATOR)
    revision = _published(client, film, 1)  # the first publication of day 2: everyone called is told
    before = _board_poll(client, film, revision)
    html, tag = before.get_data(as_text=True), before.headers["ETag"]
    assert "Push: pending" in _board_row(html, "Chris Dunmore")
    assert "Push: no device" in _board_row(html, "Priya Raman")

    worker.drain()  # Chris's phone takes it, Dana's subscription is gone
    after = _board_poll(client, film, revision, tag)
    assert after.status_code == 200 and after.headers["ETag"] != tag  # the poll sees the new reach
    html = after.get_data(as_text=True)
    assert 'reach-status pushed">Push: pushed' in _board_row(html, "Chris Dunmore")
    assert 'reach-status failed">Push: failed' in _board_row(html, "Dana Whitfield")
    assert re.search(
        r'class="reach-sum">Push alerts: <span class="reach-status pushed">1 pushed</span> · '
        r'<span class="reach-status failed">1 failed</span> · '
        r'<span class="reach-status no-device">\d+ no device</span>',
        html,
    )
    phone_them = html.split('class="unreached-board"')[1].split("</section>")[0]
    assert "Not reached — phone them" in phone_them
    assert "Dana Whitfield" in phone_them and "subscription has expired" in phone_them
    assert 'href="tel:+447700900104">Call +44 7700 900104</a>' in phone_them  # Priya: no device
    assert "Chris Dunmore" not in phone_them
    assert _board_poll(client, film, revision, after.headers["ETag"]).status_code == 304

    client.get(film.url(f"/revisions/{revision.id}"))  # Dana opens it herself: no call needed
    html = _board_poll(client, film, revision).get_data(as_text=True)
    assert "Dana Whitfield" not in html.split('class="unreached-board"')[1].split("</section>")[0]
    unconfirmed = client.get(
        film.url(f"/revisions/{revision.id}/board?show=unconfirmed"), headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "Not reached — phone them" in unconfirmed  # the filter hides rows, not whom to phone


def _announce(client, film, **form):
    return client.post(film.url("/announcements"), data=form, headers={"HX-Request": "true"})


def test_announcements_reach_everyone_or_the_chosen_departments_by_push_and_feed(film, client, auth, phones, worker):
    from app.crew.models import Department

    auth.login(COORDINATOR)
    office = client.get(film.url("/")).get_data(as_text=True)
    assert 'id="announce"' in office and "Send announcement" in office
    response = _announce(client, film, title="Unit base moves to Kings Dock", body="From tomorrow, level 2.")
    assert response.status_code == 200 and "Sent to" in response.get_data(as_text=True)
    worker.drain()
    chris = phones[film.chris_id]
    assert _take(chris) == [("Unit base moves to Kings Dock", "From tomorrow, level 2.")]
    assert _take(phones[film.dana_id]) == []  # the sender does not announce to herself

    with film.app.app_context():
        camera, production = (
            db.session.scalar(
                sa.select(Department.id).where(Department.production_id == film.id, Department.name == name)
            )
            for name in ("Camera", "Production")
        )
    _announce(client, film, title="Production meeting at wrap", departments=[str(production)])
    _announce(client, film, title="Camera truck at gate 3", departments=[str(camera)])
    worker.drain()
    assert [title for title, _ in _take(chris)] == ["Camera truck at gate 3"]

    auth.logout()
    auth.login("crew@example.com")  # the feed shows announcements, with or without push
    feed = client.get("/notifications").get_data(as_text=True)
    assert "Camera truck at gate 3" in feed and "Unit base moves to Kings Dock" in feed
    assert "Production meeting at wrap" not in feed


@pytest.mark.parametrize(
    "form, field",
    [
        ({"title": "  "}, "Write a headline"),
        ({"title": "x" * 121}, "at most 120"),
        ({"title": "Rain cover", "departments": ["999999"]}, "Choose departments of this production"),
        ({"title": "Rain cover", "departments": ["camera"]}, "Choose departments from the list"),
    ],
)
def test_an_announcement_that_does_not_validate_is_422_and_sends_nothing(film, client, auth, form, field):
    auth.login(COORDINATOR)
    response = _announce(client, film, **form)
    assert response.status_code == 422
    assert field in response.get_data(as_text=True)
    with film.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
