"""Letting the crew in, in Chromium: from the landing page to the crew list, an emailed invite,
the kept mail, a person's link and QR code, and the printable QR wall sheet."""

import re

import pytest
from playwright.sync_api import expect

COORDINATOR = "coordinator@example.com"


@pytest.mark.parametrize("device", ["phone", "tablet"])
def test_the_office_invites_a_person_from_the_crew_list_and_prints_the_qr_wall(
    device, fresh_server, request, login, screenshot
):
    context = request.getfixturevalue(device)
    page = login(context.new_page(), COORDINATOR)
    width = 390 if device == "phone" else 1024

    # The landing page (the production switcher) → the production → Crew.
    expect(page.get_by_role("heading", name="Your productions")).to_be_visible()
    page.get_by_role("link", name=re.compile("The Iron Men")).click()
    page.get_by_role("navigation").get_by_role("link", name="Crew").click()
    expect(page.get_by_role("heading", name="Crew & cast")).to_be_visible()
    expect(page.get_by_role("heading", name="Let the crew in")).to_be_visible()

    row = page.locator("li.person", has_text="Tom Keller")
    expect(row.get_by_text("Not invited yet")).to_be_visible()
    row.get_by_role("button", name="Email an invite to Tom Keller").click()
    # The embedded mail worker files it in the local mailbox (no MAIL_URL) within seconds.
    # The row polls itself while the email waits; the embedded mail worker files it in the
    # local mailbox (no MAIL_URL) within a few seconds.
    expect(row.get_by_text("Emailed", exact=True)).to_be_visible(timeout=15_000)
    expect(row.get_by_text("to the local mailbox")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")  # a full-page shot of a scrolled page repeats the sticky bar
    screenshot(page, f"crew-invites-{width}")

    # The mail that would have been sent, reachable by clicking.
    page.get_by_role("link", name="Mail that would have been sent").click()
    expect(page.get_by_role("heading", name="Mail that would have been sent")).to_be_visible()
    page.get_by_text("The Iron Men: your invite to Callboard").first.click()
    expect(page.locator(".mail-text").first).to_contain_text("+44 151 496 0000")
    screenshot(page, f"mailbox-{width}")
    with context.expect_page() as opened:
        page.get_by_role("link", name="Open as the email looks").first.click()
    email_page = opened.value
    expect(email_page.get_by_role("link", name="Open my invite")).to_be_visible()
    screenshot(email_page, f"invite-email-{width}")
    email_page.close()

    # Another person's link and QR code, to show on the spot.
    page.get_by_role("link", name="Crew & cast").click()
    page.get_by_role("link", name="Invite link and QR code for Priya Raman").click()
    expect(page.get_by_text("Not invited yet")).to_be_visible()
    page.get_by_role("button", name="Show link & QR code").click()
    expect(page.locator(".access svg.qr")).to_be_visible()
    expect(page.get_by_label("Invite link")).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/invite/"))
    screenshot(page, f"person-access-{width}")

    # The QR wall sheet opens in a new tab and prints on A4.
    page.get_by_role("link", name="Crew & cast").click()
    with context.expect_page() as opened:
        page.get_by_role("button", name="Print QR cards").click()
    sheet = opened.value
    sheet.wait_for_load_state()
    expect(sheet.get_by_role("heading", name="QR cards for the office wall")).to_be_visible()
    cards = sheet.locator(".qr-card")
    expect(cards.first).to_be_visible()
    assert cards.count() == int(
        fresh_server.sql(
            "SELECT count(*) FROM people m JOIN productions p ON p.id = m.production_id "
            "WHERE p.title = 'The Iron Men' AND m.user_id IS NULL"
        )[0][0]
    )
    expect(sheet.locator(".qr-card", has_text="Tom Keller").locator("svg.qr")).to_be_visible()
    screenshot(sheet, f"qr-wall-{width}")
    sheet.emulate_media(media="print")
    expect(sheet.locator(".qr-wall-head")).to_be_hidden()
    expect(sheet.locator(".topbar")).to_be_hidden()
    screenshot(sheet, f"qr-wall-print-{width}")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", sheet.pdf(prefer_css_page_size=True)))
    assert pages == -(-cards.count() // 12)  # A4, three across and four down
    assert context.watch.errors == []
