"""The distribution board: who opened and confirmed a revision, live on the coordinator's tablet."""

import re

from callsheet_fixtures import COORDINATOR, CREW, text_of

HTMX = {"HX-Request": "true"}


def _row(page: str, name: str) -> str:
    """Return the board row of one person, as HTML."""
    match = re.search(rf"<tr class=\"\w+\"><td>{name}<small>.*?(?=<tr|</table>)", page, re.S)
    assert match, f"{name} is not on the board"
    return match.group(0)


def _board(film, client, show=None, htmx=False):
    [revision] = film.revisions()[:1]
    url = film.url(f"/revisions/{revision.id}/board") + (f"?show={show}" if show else "")
    return client.get(url, headers=HTMX if htmx else {})


def test_board_shows_each_called_person_not_opened_opened_or_confirmed(film, client, auth):
    auth.login(CREW)
    client.get(film.url("/my-day"))
    auth.login(COORDINATOR)
    page = _board(film, client).get_data(as_text=True)
    assert "Not opened" in _row(page, "Marta Kowalska")
    assert re.search(r"Opened \d\d:\d\d", _row(page, "Chris Dunmore"))
    auth.login(CREW)
    [revision] = film.revisions()
    client.post(film.url(f"/revisions/{revision.id}/confirm"))
    auth.login(COORDINATOR)
    page = _board(film, client).get_data(as_text=True)
    assert re.search(r"Confirmed \d\d:\d\d", _row(page, "Chris Dunmore"))
    counts = text_of(_board(film, client))
    assert "1 confirmed" in counts and "31 called" in counts and "30 not opened" in counts


def test_the_htmx_poll_gets_only_the_board_fragment(film, client, auth):
    auth.login(COORDINATOR)
    response = _board(film, client, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith('<section id="board"') and "<html" not in html
    assert 'hx-trigger="every 5s' in html and 'hx-swap="outerHTML"' in html
    page = _board(film, client).get_data(as_text=True)
    assert page.startswith("<!doctype html>") and '<section id="board"' in page and "board.js" in page


def test_filter_to_the_unconfirmed_works_as_a_link_and_keeps_polling_filtered(film, client, auth):
    [revision] = film.revisions()
    auth.login(CREW)
    client.post(film.url(f"/revisions/{revision.id}/confirm"))
    auth.login(COORDINATOR)
    html = _board(film, client, show="unconfirmed").get_data(as_text=True)
    assert "Chris Dunmore" not in html and "Marta Kowalska" in html
    assert f'hx-get="/p/{film.id}/revisions/{revision.id}/board?show=unconfirmed"' in html
    assert 'href="/p/%d/revisions/%d/board?show=unconfirmed" ' % (film.id, revision.id) in html
    assert 'aria-current="page">Unconfirmed · 30' in html
    assert _board(film, client, show="nobody").status_code == 400


def test_unconfirmed_people_can_be_called_from_the_board_even_with_private_numbers(film, client, auth):
    auth.login(COORDINATOR)
    page = _board(film, client).get_data(as_text=True)
    assert 'href="tel:+447700900104">+44 7700 900104</a>' in _row(page, "Priya Raman")  # not shared


def test_crew_cannot_see_the_board_and_other_productions_are_not_found(film, client, auth):
    [revision] = film.revisions()
    auth.login(CREW)
    assert _board(film, client).status_code == 403
    assert client.get(film.url(f"/days/{film.day_ids[0]}/board")).status_code == 403
    assert client.get(f"/p/{film.short_id}/revisions/{revision.id}/board").status_code == 404


def test_the_day_board_link_opens_the_newest_revisions_board(film, client, auth):
    [revision] = film.revisions()
    auth.login(COORDINATOR)
    response = client.get(film.url(f"/days/{film.day_ids[0]}/board"))
    assert response.headers["Location"].endswith(film.url(f"/revisions/{revision.id}/board"))
    response = client.get(film.url(f"/days/{film.day_ids[1]}/board"))  # nothing published yet
    assert response.headers["Location"].endswith(film.url(f"/days/{film.day_ids[1]}/revisions"))


def test_an_unchanged_board_poll_is_answered_304_without_rendering(film, client, auth):
    [revision] = film.revisions()
    auth.login(COORDINATOR)
    first = _board(film, client, htmx=True)
    tag = first.headers["ETag"]
    again = client.get(film.url(f"/revisions/{revision.id}/board"), headers={**HTMX, "If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    assert "ETag" not in _board(film, client).headers  # whole pages carry a fresh CSRF token
    auth.login(CREW)
    client.post(film.url(f"/revisions/{revision.id}/confirm"))
    auth.login(COORDINATOR)
    changed = client.get(film.url(f"/revisions/{revision.id}/board"), headers={**HTMX, "If-None-Match": tag})
    assert changed.status_code == 200 and "Confirmed" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != tag
