"""CSRF on every state change, security headers on every response, cookies, compression."""

import gzip
import json
import re
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.auth import service
from app.auth.models import User
from app.crew.models import Person
from app.extensions import db
from app.seed import seed_demo

HX_HEADERS = re.compile(r"<body hx-headers='([^']+)'>")
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def signed_in_client(app, email="coordinator@example.com", **kwargs):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": "callboard-demo"}, **kwargs)
    assert response.status_code == 302
    client.csrf_token = None
    return client


def tom(app):
    with app.app_context():
        return db.session.scalar(sa.select(Person.id).where(Person.name == "Tom Keller"))


def every_row_count(app):
    with app.app_context():
        return {
            table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


# CSRF


@pytest.mark.parametrize(
    "path",
    [
        "/logout",
        "/account/sessions/end-others",
        "/account/sessions/1/end",
        "/account/password",
        "/p/1/people/{tom}/invite",
        "/p/1/people/{tom}/sessions/end",
        "/invite/{token}",
        "/login",
    ],
)
def test_a_state_change_without_the_csrf_token_is_400_and_changes_nothing(demo, path):
    office = signed_in_client(demo)
    with demo.app_context():
        from app.auth.invites import create_invite

        _, token = create_invite(db.session.get(Person, tom(demo)))
        db.session.commit()
    before = every_row_count(demo)
    response = office.post(
        path.format(tom=tom(demo), token=token),
        data={"password": "brass monkeys at dawn", "email": "x@example.com"},
        csrf=False,
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert "Reload it and try again" in response.get_data(as_text=True)
    assert response.headers["HX-Refresh"] == "true"  # htmx does not swap a 400: reload instead
    assert every_row_count(demo) == before


def test_htmx_requests_carry_the_token_from_the_page_in_a_header(demo):
    office = signed_in_client(demo)
    page = office.get("/account/sessions").get_data(as_text=True)
    token = json.loads(HX_HEADERS.search(page).group(1))["X-CSRFToken"]
    response = office.post(
        f"/p/1/people/{tom(demo)}/invite", csrf=False, headers={"HX-Request": "true", "X-CSRFToken": token}
    )
    assert response.status_code == 200


def test_a_token_from_another_browser_is_refused(demo):
    office = signed_in_client(demo)
    stranger_token = demo.test_client().fetch_csrf_token()
    response = office.post(f"/p/1/people/{tom(demo)}/invite", csrf=False, headers={"X-CSRFToken": stranger_token})
    assert response.status_code == 400


# Security headers


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
    ):
        assert directive in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Not no-referrer: Flask-WTF refuses https form posts that carry no same-origin Referer.
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "method,path,status",
    [
        ("get", "/login", 200),
        ("get", "/", 302),
        ("get", "/no/such/page", 404),
        ("get", "/static/css/callboard.css", 200),
        ("post", "/logout", 400),
        ("get", "/invite/x", 404),
    ],
)
def test_every_response_carries_the_security_headers(demo, method, path, status):
    response = (
        getattr(demo.test_client(), method)(path, csrf=False) if method == "post" else demo.test_client().get(path)
    )
    response.close()
    assert response.status_code == status
    assert_security_headers(response)


def test_throttled_and_signed_in_responses_carry_them_too(demo):
    client = demo.test_client()
    for _ in range(6):
        response = client.post("/login", data={"email": "crew@example.com", "password": "wrong"})
    assert response.status_code == 429
    assert_security_headers(response)
    office = signed_in_client(demo, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert_security_headers(office.get("/account/sessions"))


def test_no_template_has_inline_script_style_or_hx_on():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"\sstyle\s*=", text), f"{template}: style attribute"
        assert "<style" not in text, f"{template}: <style> element"
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text), f"{template}: inline script"
        assert "hx-on" not in text, f"{template}: hx-on needs eval"


# Cookies and https


def session_cookie_header(response) -> str:
    return next(
        value for value in response.headers.getlist("Set-Cookie") if value.startswith(("session=", "__Host-callboard="))
    )


def test_the_session_cookie_is_httponly_and_samesite_lax_without_hsts_over_http(demo):
    response = demo.test_client().post("/login", data={"email": "crew@example.com", "password": "callboard-demo"})
    cookie = session_cookie_header(response)
    assert "; HttpOnly" in cookie and "; SameSite=Lax" in cookie and "; Secure" not in cookie
    assert "Strict-Transport-Security" not in response.headers


def twin_app(demo, **config):
    """Another app configured differently, with the demo data (SQLite in memory has its own)."""
    twin = create_app(
        {
            **{
                key: demo.config[key]
                for key in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "PASSWORD_HASH_PARAMS")
            },
            **config,
        }
    )
    twin.test_client_class = demo.test_client_class
    with twin.app_context():
        db.create_all()
        seed_demo(date.today())
        db.session.commit()
    return twin


@pytest.fixture
def https_app(demo, monkeypatch):
    monkeypatch.setenv("CALLBOARD_HTTPS", "1")
    return twin_app(demo)


def test_over_https_the_cookie_is_host_prefixed_and_secure_and_hsts_is_sent(https_app):
    client = https_app.test_client()
    page = client.get("/login", base_url="https://localhost")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=63072000")
    client.csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post(
        "/login",
        base_url="https://localhost",
        data={"email": "crew@example.com", "password": "callboard-demo"},
        headers={"Referer": "https://localhost/login"},
    )
    assert response.status_code == 302
    cookie = session_cookie_header(response)
    assert cookie.startswith("__Host-callboard=")
    for flag in ("; Secure", "; HttpOnly", "; Path=/", "; SameSite=Lax"):
        assert flag in cookie
    assert "Domain=" not in cookie
    assert response.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
    with https_app.app_context():
        db.engine.dispose()


def https_post(client, path, referer, **kwargs):
    """Post as a browser on an https page does: the page's token, a same-origin Referer."""
    page = client.get(referer, base_url="https://localhost")
    assert page.headers["Referrer-Policy"] == "same-origin"
    client.csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.post(path, base_url="https://localhost", headers={"Referer": f"https://localhost{referer}"}, **kwargs)


def test_over_https_an_invite_can_be_issued_and_accepted(https_app):
    office = https_app.test_client()
    https_post(office, "/login", "/login", data={"email": "coordinator@example.com", "password": "callboard-demo"})
    card = https_post(office, f"/p/1/people/{tom(https_app)}/invite", "/account/sessions")
    invite = re.search(r'value="https://localhost(/invite/[^"]+)"', card.get_data(as_text=True)).group(1)
    response = https_post(https_app.test_client(), invite, invite)
    assert response.status_code == 302 and response.headers["Location"] == "/account/password"
    assert session_cookie_header(response).startswith("__Host-callboard=")
    with https_app.app_context():
        db.engine.dispose()


def test_behind_one_trusted_proxy_the_forwarded_scheme_and_address_count(demo):
    proxied = twin_app(demo, TRUSTED_PROXIES=1)
    client = proxied.test_client()
    secure = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in secure.headers
    for attempt in range(5):
        client.post(
            "/login",
            data={"email": f"guess{attempt}@example.com", "password": "x"},
            headers={"X-Forwarded-For": "203.0.113.5"},
        )
    # Another person behind the same proxy is not throttled for the first one's mistakes.
    response = client.post(
        "/login", data={"email": "crew@example.com", "password": "x"}, headers={"X-Forwarded-For": "203.0.113.6"}
    )
    assert response.status_code == 422
    with proxied.app_context():
        db.engine.dispose()


def test_without_a_trusted_proxy_a_forged_forwarded_address_does_not_dodge_the_throttle(demo):
    client = demo.test_client()
    for attempt in range(5):
        client.post(
            "/login",
            data={"email": f"guess{attempt}@example.com", "password": "x"},
            headers={"X-Forwarded-For": f"198.51.100.{attempt}"},
        )
    response = client.post(
        "/login", data={"email": "crew@example.com", "password": "x"}, headers={"X-Forwarded-For": "198.51.100.99"}
    )
    assert response.status_code == 429


# Compression


def test_a_large_html_page_is_gzip_compressed_when_the_browser_accepts_it(demo):
    phone = signed_in_client(demo, "crew@example.com")
    with demo.app_context():
        chris = db.session.scalar(sa.select(User).where(User.email == "crew@example.com"))
        for number in range(30):
            service.start_session(chris, f"Mozilla/5.0 (Android 14) Chrome/12{number}.0", "10.0.0.1")
        db.session.commit()
    plain = phone.get("/account/sessions")
    response = phone.get("/account/sessions", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    body = gzip.decompress(response.get_data())
    assert b"Chrome on Android" in body and len(body) > 10_000
    assert len(response.get_data()) < len(plain.get_data()) / 4
    vary = {part.strip() for part in response.headers["Vary"].split(",")}
    assert {"HX-Request", "Accept-Encoding"} <= vary
    assert_security_headers(response)
