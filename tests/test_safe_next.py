"""Every `next=` leads only to a path on this site: one check (app.web.safe_next) for all."""

import pytest

from app.web import safe_next
from sync_helpers import Cast

HOSTILE = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\x0b/evil.example",
    "/\x0c/evil.example",
    "/\x00/evil.example",
    "/\u3000/evil.example",
    "\t//evil.example",
    "//evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "/p/1\r\nSet-Cookie: x=1",
    " /p/1",
    "/p/1\u2028",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_anything_but_a_plain_path_on_this_site_is_refused(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", ["/", "/p/1/my-day", "/p/1/days/3?edit=2#crew", "/p/1/a%2Fb"])
def test_a_path_on_this_site_is_kept(target):
    assert safe_next(target) == target


def test_a_space_or_a_non_ascii_letter_is_percent_encoded_for_the_header():
    assert safe_next("/p/1/documents/café") == "/p/1/documents/caf%C3%A9"
    assert safe_next("/p/1/documents/call sheet") == "/p/1/documents/call%20sheet"


@pytest.mark.parametrize("target", HOSTILE)
def test_signing_in_with_a_hostile_next_goes_home(demo, client, target):
    response = client.post("/login", data={"email": "crew@example.com", "password": "callboard-demo", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_the_sign_in_page_does_not_carry_a_hostile_next(demo, client):
    page = client.get("/login?next=/%09/evil.example").get_data(as_text=True)
    assert "evil.example" not in page
    assert 'name="next" value="/p/1/my-day"' in client.get("/login?next=/p/1/my-day").get_data(as_text=True)


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\r\n/evil.example", "//evil.example"])
def test_htmx_sign_in_never_echoes_a_hostile_next(demo, client, target):
    response = client.post(
        "/login",
        headers={"HX-Request": "true"},
        data={"email": "crew@example.com", "password": "callboard-demo", "next": target},
    )
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/"


def test_signing_in_with_a_good_next_goes_there(demo, client):
    response = client.post(
        "/login", data={"email": "crew@example.com", "password": "callboard-demo", "next": "/p/1/directory"}
    )
    assert response.headers["Location"] == "/p/1/directory"


def test_the_no_javascript_check_in_form_returns_only_within_the_site(demo, client, auth):
    cast = Cast(demo)
    auth.login("crew@example.com")
    home = f"/p/{cast.production_id}/my-day"
    form = {"shoot_day_id": cast.day_id, "op_id": "5d3c1c2a-1111-4b0e-9a51-0f3f6c1d2e01"}
    for target in HOSTILE:
        response = client.post(f"/p/{cast.production_id}/actions/check_in", data={**form, "next": target})
        assert response.status_code == 303 and response.headers["Location"] == home, repr(target)
    response = client.post(
        f"/p/{cast.production_id}/actions/check_in", data={**form, "next": f"/p/{cast.production_id}/directory"}
    )
    assert response.headers["Location"] == f"/p/{cast.production_id}/directory"
