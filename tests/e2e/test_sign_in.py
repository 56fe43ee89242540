"""Signing in on real phones and tablets: where each person lands, and a wrong password."""

import re

import pytest
from playwright.sync_api import expect

DEVICES = ["tablet", "phone"]
BODY_BACKGROUND = "getComputedStyle(document.body).backgroundColor"


def look_at(page, screenshot, name):
    """Screenshot the page in the light and the dark theme; the dark one must differ."""
    screenshot(page, f"{name}-light")
    light = page.evaluate(BODY_BACKGROUND)
    page.emulate_media(color_scheme="dark")
    screenshot(page, f"{name}-dark")
    dark = page.evaluate(BODY_BACKGROUND)
    page.emulate_media(color_scheme="light")
    assert dark != light, f"{name}: the dark theme did not change the background"


def assert_page_is_clean(context):
    assert context.watch.errors == []
    assert context.watch.failed_requests == []


@pytest.mark.parametrize("device", DEVICES)
def test_coordinator_lands_on_the_switcher_with_both_productions(device, request, login, screenshot):
    context = request.getfixturevalue(device)
    page = login(context.new_page(), "coordinator@example.com")

    expect(page.get_by_role("heading", name="Your productions")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("The Iron Men"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"Night Ferry \(short\)"))).to_be_visible()
    look_at(page, screenshot, f"switcher-{device}")

    page.get_by_role("link", name=re.compile("The Iron Men")).click()
    expect(page).to_have_url(re.compile(r"/p/\d+/$"))
    expect(page.get_by_role("heading", name="The Iron Men")).to_be_visible()
    look_at(page, screenshot, f"office-{device}")
    assert_page_is_clean(context)


@pytest.mark.parametrize("device", DEVICES)
def test_crew_member_lands_on_my_day(device, request, login, screenshot):
    context = request.getfixturevalue(device)
    page = login(context.new_page(), "crew@example.com")

    expect(page).to_have_url(re.compile(r"/p/\d+/my-day$"))
    expect(page.get_by_role("heading", name="My day")).to_be_attached()
    expect(page.locator(".mycall .call")).to_have_text(re.compile(r"^\d\d:\d\d"))
    look_at(page, screenshot, f"my-day-{device}")
    assert_page_is_clean(context)


@pytest.mark.parametrize("device", DEVICES)
def test_wrong_password_shows_the_error_and_keeps_the_email(device, fresh_server, request, login, screenshot):
    context = request.getfixturevalue(device)
    page = login(context.new_page(), "crew@example.com", "not-the-password", succeed=False)

    expect(page.get_by_text("That email and password do not match.")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("crew@example.com")
    expect(page.get_by_label("Password")).to_have_value("")
    look_at(page, screenshot, f"login-error-{device}")
    assert_page_is_clean(context)
    assert fresh_server.sql("SELECT count(*) FROM device_sessions") == [(0,)]


def test_a_page_that_breaks_the_content_security_policy_is_caught(phone):
    page = phone.new_page()
    page.goto("/login")
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")

    with page.expect_event("pageerror"):
        page.evaluate("setTimeout(() => eval('1 + 1'))")  # throws in the page: no unsafe-eval

    violations = phone.watch.csp_violations
    assert any("style-src" in v for v in violations) and any("unsafe-eval" in v for v in violations)
    phone.watch.messages.clear()  # caught on purpose: the fixture would fail the test
    phone.watch.page_errors.clear()
