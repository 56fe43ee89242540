"""One web layer: a page, its named block or out-of-band blocks for htmx, Vary: HX-Request set once."""

from jinja2 import ChoiceLoader, DictLoader

from app.web import redirect_to, render, render_partial

PAGE = """<main>{% block head %}<h1 id="head"{% if oob %} hx-swap-oob="true"{% endif %}>{{ title }}</h1>{% endblock %}
{% block list %}<ul id="list"{% if oob %} hx-swap-oob="true"{% endif %}><li>{{ title }}</li></ul>{% endblock %}</main>"""
HTMX = {"HX-Request": "true"}


def _with_routes(app):
    app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader(
                {
                    "test/page.html": PAGE,
                    "test/_row.html": "<tr>{{ title }}</tr>",
                    "test/_note.html": '<p hx-swap-oob="true">{{ title }}</p>',
                }
            ),
            app.jinja_env.loader,
        ]
    )
    app.add_url_rule("/test/page", "test_page", lambda: render("test/page.html", "list", oob=("head",), title="Day 5"))
    app.add_url_rule(
        "/test/row", "test_row", lambda: render_partial("test/_row.html", also=("test/_note.html",), title="Day 5")
    )
    app.add_url_rule("/test/go", "test_go", lambda: redirect_to("/elsewhere"))
    return app.test_client()


def test_a_page_is_whole_without_htmx_and_varies_on_hx_request(app):
    response = _with_routes(app).get("/test/page")
    body = response.get_data(as_text=True)
    assert body.startswith("<main>") and "hx-swap-oob" not in body
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_gets_the_named_block_then_the_out_of_band_ones(app):
    response = _with_routes(app).get("/test/page", headers=HTMX)
    body = response.get_data(as_text=True)
    assert body.startswith('<ul id="list">') and '<h1 id="head" hx-swap-oob="true">Day 5</h1>' in body
    assert "<main>" not in body and "HX-Request" in response.headers["Vary"]


def test_boosted_and_history_restore_requests_get_the_whole_page(app):
    client = _with_routes(app)
    for extra in ({"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}):
        assert client.get("/test/page", headers={**HTMX, **extra}).get_data(as_text=True).startswith("<main>")


def test_a_partial_renders_alone_with_its_companions(app):
    response = _with_routes(app).get("/test/row", headers=HTMX)
    assert response.get_data(as_text=True) == '<tr>Day 5</tr><p hx-swap-oob="true">Day 5</p>'
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_is_sent_to_a_whole_page_and_a_browser_is_redirected(app):
    client = _with_routes(app)
    swapped = client.get("/test/go", headers=HTMX)
    assert (swapped.status_code, swapped.headers["HX-Redirect"]) == (204, "/elsewhere")
    plain = client.get("/test/go")
    assert (plain.status_code, plain.headers["Location"]) == (303, "/elsewhere")
    assert "HX-Request" in plain.headers["Vary"]


def test_a_page_that_never_asks_about_htmx_does_not_vary_on_it(app):
    response = app.test_client().get("/offline")
    assert response.status_code == 200 and "HX-Request" not in response.headers.get("Vary", "")


def test_the_office_overview_keeps_the_office_script_after_moving_to_callsheets(demo, client, auth):
    auth.login("coordinator@example.com")
    page = client.get("/p/1/").get_data(as_text=True)
    assert "Shoot days" in page and "js/office.js" in page
