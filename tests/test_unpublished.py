"""Draft vs published: the office sees unpublished changes waiting, one tap from the preview."""

from callsheet_fixtures import COORDINATOR, publish, text_of
from test_rest import day_form

HX = {"HX-Request": "true"}


def test_a_saved_edit_shows_unpublished_changes_on_the_day_editor_and_the_office_overview(film, client, auth):
    auth.login(COORDINATOR)
    day_id = film.day_ids[0]
    editor = text_of(client.get(film.url(f"/days/{day_id}")))
    assert "Crew have every change" in editor and "Unpublished changes" not in editor
    with film.app.app_context():
        general_call = film.revisions()[-1].content["day"]["general_call"]
    form = day_form(
        general_call=f"{general_call // 60:02d}:{general_call % 60:02d}",
        lunch="12:30",
        safety_notes="Jellyfish, no wading",
    )
    saved = client.post(film.url(f"/days/{day_id}"), data=form, headers=HX)
    body = saved.get_data(as_text=True)
    assert saved.status_code == 200
    assert '<nav id="day-actions" class="row day-actions" aria-label="Call sheet" hx-swap-oob="true">' in body
    assert "Unpublished changes (" in body
    overview = client.get(film.url("/")).get_data(as_text=True)
    assert "Unpublished changes (" in overview
    assert f'href="/p/{film.id}/days/{day_id}/callsheet">Unpublished changes' in overview
    assert publish(client, film).status_code == 303
    assert "Unpublished changes" not in text_of(client.get(film.url("/")))
    assert "Crew have every change" in text_of(client.get(film.url(f"/days/{day_id}")))


def test_a_refused_edit_does_not_refresh_the_day_actions(film, client, auth):
    auth.login(COORDINATOR)
    refused = client.post(film.url(f"/days/{film.day_ids[0]}"), data=day_form(lunch="25:99"), headers=HX)
    assert refused.status_code == 422 and 'id="day-actions"' not in refused.get_data(as_text=True)


def test_a_day_never_published_says_so_instead_of_counting(film, client, auth):
    auth.login(COORDINATOR)
    with film.app.app_context():
        assert all(r.shoot_day_id != film.day_ids[2] for r in film.revisions())
    assert "Not published yet" in text_of(client.get(film.url(f"/days/{film.day_ids[2]}")))


def test_saving_one_persons_call_refreshes_the_count_out_of_band(film, client, auth):
    auth.login(COORDINATOR)
    saved = client.post(
        film.url(f"/days/{film.day_ids[0]}/calls/{film.chris_id}"), data={"call_override": "05:45"}, headers=HX
    )
    body = saved.get_data(as_text=True)
    assert saved.status_code == 200
    assert 'id="day-actions"' in body and 'hx-swap-oob="true"' in body and "Unpublished changes (1)" in body
