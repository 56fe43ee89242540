"""Draft vs published on a real tablet: the Today board keeps the call the crew's phones have."""

import re

from playwright.sync_api import expect

from .test_call_sheet_flow import COORDINATOR, CREW, first_day_ids, look_at, minus_thirty


def test_the_board_shows_the_published_call_until_the_office_publishes(
    fresh_server, tablet, devices, login, screenshot
):
    production_id, day_id, person_id = first_day_ids(fresh_server)
    office = login(tablet.new_page(), COORDINATOR)
    office.goto(f"/p/{production_id}/days/{day_id}")
    row = office.locator(f"form#call-{person_id}")
    before = row.locator(".call-time .clock").inner_text().strip()
    after = minus_thirty(before)
    row.locator("input[name=call_override]").fill(after)
    row.locator("button[value=save]").click()
    expect(office.locator(f"form#call-{person_id}").get_by_role("status")).to_have_text("Saved")
    expect(office.locator("#day-actions .unpublished")).to_contain_text("Unpublished changes (1)")

    # The board, reached from the production's nav, still shows the published call.
    office.get_by_role("link", name="Today", exact=True).click()
    chris = office.locator(f'.board-row[data-person-id="{person_id}"]')
    expect(chris.locator(".call")).to_have_text(f"Call {before}")
    look_at(office, screenshot, "board-published-before-tablet")

    office.goto(f"/p/{production_id}/days/{day_id}")
    office.locator("#day-actions .unpublished").click()
    office.get_by_role("button", name=re.compile(r"^Publish revision 2")).click()
    expect(office.locator(".rvb")).to_contain_text("Revision 2")
    office.get_by_role("link", name="Today", exact=True).click()
    expect(chris.locator(".call")).to_have_text(f"Call {after}")

    # Chris on a tablet: My day says what changed, with the old call beside the new one.
    crew = login(devices.phone(viewport={"width": 1024, "height": 768}, is_mobile=False).new_page(), CREW)
    expect(crew.locator(".mycall .call")).to_have_text(after)
    expect(crew.locator(".mycall .wascall")).to_have_text(f"was {before}")
    expect(crew.locator("#what-changed")).to_contain_text(f"Call {before} → {after}")
    look_at(crew, screenshot, "what-changed-my-day-tablet")
