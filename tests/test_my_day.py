"""My day on a crew member's phone: my call, where, what, hospital, sun; opened and confirmed."""

import re
from datetime import timedelta

import sqlalchemy as sa

from app.callsheets.models import Acknowledgement
from app.extensions import db
from app.schedule.models import ShootDay
from callsheet_factory import build_production
from callsheet_fixtures import COORDINATOR, CREW, production_today, publish, text_of

HTMX = {"HX-Request": "true"}


def _ack(film, person_id, revision_id):
    with film.app.app_context():
        ack = db.session.scalar(
            sa.select(Acknowledgement).where(
                Acknowledgement.person_id == person_id, Acknowledgement.revision_id == revision_id
            )
        )
        db.session.expunge_all()
        return ack


def test_my_day_shows_my_call_large_where_to_go_and_what_we_shoot(film, client, auth):
    auth.login(CREW)
    response = client.get(film.url("/my-day"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<p class="call">07:00</p>' in html
    page = text_of(response)
    assert "Today · Day 1 of 5" in page and "Revision 1 · White" in page
    assert "Harbour Warehouse Unit 4, Albert Dock, Liverpool L3 4AF" in page
    assert "Parking Crew parking: Kings Dock car park, level 2" in page
    assert "Shooting 4 scenes · 5 3/8 pages" in page


def test_my_day_has_the_hospital_sun_weather_and_my_departments_notes(film, client, auth):
    auth.login(CREW)
    response = client.get(film.url("/my-day"))
    page = text_of(response)
    assert "Nearest hospital Royal Liverpool University Hospital Prescot Street" in page
    assert 'href="tel:+441517062000"' in response.get_data(as_text=True)
    assert re.search(r"Sunrise \d\d:\d\d Sunset \d\d:\d\d", page)
    assert "Overcast, 9 °C" in page
    assert "Notes for you Camera Steadicam on the truck for scene 12." in page
    assert "Full call sheet" in page and "Crew calls" in page


def test_my_row_of_the_call_sheet_is_highlighted(film, client, auth):
    auth.login(CREW)
    html = client.get(film.url("/my-day")).get_data(as_text=True)
    assert '<tr class="me"><td>Chris Dunmore<small>1st AC</small>' in html


def test_opening_my_day_records_opened_the_first_time_only(film, client, auth):
    [revision] = film.revisions()
    assert _ack(film, film.chris_id, revision.id) is None
    auth.login(CREW)
    client.get(film.url("/my-day"))
    first = _ack(film, film.chris_id, revision.id).opened_at
    client.get(film.url("/my-day"))
    again = _ack(film, film.chris_id, revision.id)
    assert first is not None and again.opened_at == first and again.confirmed_at is None


def test_one_tap_confirms_receipt_and_shows_the_time(film, client, auth):
    [revision] = film.revisions()
    auth.login(CREW)
    client.get(film.url("/my-day"))
    response = client.post(film.url(f"/revisions/{revision.id}/confirm"), headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.startswith('<div id="confirm"') and "<html" not in html
    assert re.search(r"Confirmed \d\d:\d\d", html)
    assert _ack(film, film.chris_id, revision.id).confirmed_at is not None
    assert re.search(r"Confirmed \d\d:\d\d", text_of(client.get(film.url("/my-day"))))


def test_confirming_without_javascript_returns_to_the_page_it_came_from(film, client, auth):
    [revision] = film.revisions()
    auth.login(CREW)
    response = client.post(film.url(f"/revisions/{revision.id}/confirm"))
    assert response.status_code == 303 and response.headers["Location"].endswith(film.url("/my-day"))
    response = client.post(film.url(f"/revisions/{revision.id}/confirm"), data={"back": "revision"})
    assert response.headers["Location"].endswith(film.url(f"/revisions/{revision.id}"))


def test_confirming_twice_keeps_the_first_confirmation(film, client, auth):
    [revision] = film.revisions()
    auth.login(CREW)
    client.post(film.url(f"/revisions/{revision.id}/confirm"))
    first = _ack(film, film.chris_id, revision.id).confirmed_at
    client.post(film.url(f"/revisions/{revision.id}/confirm"))
    assert _ack(film, film.chris_id, revision.id).confirmed_at == first


def test_confirming_an_older_revision_sends_me_to_the_newer_one(film, client, auth):
    [first] = film.revisions()
    film.move_call(film.chris_id, 6 * 60 + 30)
    auth.login(COORDINATOR)
    publish(client, film)
    second = film.revisions()[-1]
    auth.login(CREW)
    response = client.post(film.url(f"/revisions/{first.id}/confirm"), headers=HTMX)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "revision 2 has been published since" in html
    assert f'href="/p/{film.id}/revisions/{second.id}"' in html
    assert _ack(film, film.chris_id, first.id) is None
    assert client.post(film.url(f"/revisions/{first.id}/confirm")).status_code == 409  # page, no JS


def test_my_day_shows_the_latest_published_revision_never_the_draft(film, client, auth):
    film.move_call(film.chris_id, 5 * 60)  # a draft change, not published
    auth.login(CREW)
    assert '<p class="call">07:00</p>' in client.get(film.url("/my-day")).get_data(as_text=True)
    film.move_call(film.chris_id, 6 * 60 + 30)
    auth.login(COORDINATOR)
    publish(client, film)
    auth.login(CREW)
    page = client.get(film.url("/my-day")).get_data(as_text=True)
    assert '<p class="call">06:30</p>' in page and "Revision 2 · Blue" in page


def test_someone_not_called_cannot_confirm(film, client, auth):
    film.move_call(film.chris_id, None, called=False)
    auth.login(COORDINATOR)
    publish(client, film)
    second = film.revisions()[-1]
    auth.login(CREW)
    response = client.post(film.url(f"/revisions/{second.id}/confirm"), headers=HTMX)
    assert response.status_code == 409 and "not called" in response.get_data(as_text=True)


def test_my_day_moves_to_the_next_day_i_am_called_and_lists_my_upcoming_calls(film, client, auth):
    auth.login(COORDINATOR)
    publish(client, film, day_index=1)
    auth.login(CREW)
    page = text_of(client.get(film.url("/my-day")))
    assert "My upcoming calls" in page
    assert re.search(r"Day 1 07:00 White .* Day 2 07:30 White", page)
    with film.editing() as session:  # day 1 is over: it moves to yesterday
        for index, day_id in enumerate(film.day_ids):
            session.get(ShootDay, day_id).date = production_today() + timedelta(days=index - 1)
    page = text_of(client.get(film.url("/my-day")))
    assert "Today · Day 2 of 5" in page and "Day 1 07:00" not in page


def test_with_nothing_published_my_day_is_a_friendly_empty_state(app, client, auth):
    with app.app_context():
        built = build_production(people=12, scenes=3, cast=2)
        db.session.commit()
    auth.login(built.crew_email)
    response = client.get(f"/p/{built.production_id}/my-day")
    assert response.status_code == 200
    page = text_of(response)
    assert "No call yet" in page and "The Long Night" in page


def test_my_day_of_a_production_i_am_not_on_is_not_found(film, client, auth):
    auth.login(CREW)
    assert client.get(f"/p/{film.short_id}/my-day").status_code == 404


def test_my_day_asks_anonymous_visitors_to_sign_in(film, client):
    response = client.get(film.url("/my-day"))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_confirming_with_a_made_up_return_page_is_refused(film, client, auth):
    [revision] = film.revisions()
    auth.login(CREW)
    response = client.post(film.url(f"/revisions/{revision.id}/confirm"), data={"back": "https://evil.test"})
    assert response.status_code == 422 and _ack(film, film.chris_id, revision.id) is None


def test_my_day_names_its_revision_for_the_offline_banner(film, client, auth):
    [revision] = film.revisions()
    auth.login(CREW)
    html = client.get(film.url("/my-day")).get_data(as_text=True)
    sheet = re.search(r"<p [^>]*data-callsheet[^>]*>", html).group(0)
    assert f'data-production-id="{revision.production_id}"' in sheet
    assert 'data-revision-colour="White"' in sheet and 'data-revision-number="1"' in sheet
    assert re.search(r'data-published-at="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"', sheet)


def test_confirm_receipt_on_my_day_is_an_outbox_form_that_also_posts_without_javascript(film, client, auth):
    [revision] = film.revisions()
    auth.login(CREW)
    html = client.get(film.url("/my-day")).get_data(as_text=True)
    form = re.search(r'<form [^>]*data-outbox-kind="confirm_revision".*?</form>', html, re.S).group(0)
    assert f'action="{film.url("/actions/confirm_revision")}"' in form and "hx-post" not in form
    assert f'name="revision_id" value="{revision.id}"' in form and "data-outbox-status" in form
    op_id = re.search(r'name="op_id" value="([0-9a-f-]{36})"', form).group(1)
    fields = {"op_id": op_id, "revision_id": str(revision.id), "next": film.url("/my-day")}
    response = client.post(film.url("/actions/confirm_revision"), data=fields)
    assert response.status_code == 303 and response.headers["Location"].endswith(film.url("/my-day"))
    first = _ack(film, film.chris_id, revision.id).confirmed_at
    assert first is not None
    client.post(film.url("/actions/confirm_revision"), data=fields)  # a double submit: same op id
    assert _ack(film, film.chris_id, revision.id).confirmed_at == first
    assert re.search(r"Confirmed \d\d:\d\d", text_of(client.get(film.url("/my-day"))))


def test_a_page_saved_ahead_of_time_records_no_opened(film, client, auth):
    [revision] = film.revisions()
    auth.login(CREW)
    prefetch = {"X-Callboard-Prefetch": "1"}
    my_day = client.get(film.url("/my-day"), headers=prefetch).get_data(as_text=True)
    sheet = client.get(film.url(f"/revisions/{revision.id}"), headers=prefetch).get_data(as_text=True)
    assert _ack(film, film.chris_id, revision.id) is None
    assert "Confirm receipt" in my_day and "Confirm receipt" in sheet  # the saved copy can still confirm
    client.get(film.url("/my-day"))
    assert _ack(film, film.chris_id, revision.id).opened_at is not None
