"""Lunch and safety move: the office sees it once, the crew's phone says so, never "nothing changed"."""

import re

from playwright.sync_api import expect

from .test_call_sheet_flow import COORDINATOR, CREW, first_day_ids, look_at

HAZARD = "Jellyfish in the shallows, no wading"


def test_lunch_and_a_new_hazard_reach_my_day_and_the_feed_cumulatively(
    fresh_server, tablet, devices, login, screenshot
):
    production_id, day_id, _ = first_day_ids(fresh_server)
    phone = devices.phone()
    crew = login(phone.new_page(), CREW)  # Chris reads revision 1
    expect(crew.locator(".mycall .call")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    expect(crew.locator("#what-changed")).to_have_count(0)

    office = login(tablet.new_page(), COORDINATOR)
    office.goto(f"/p/{production_id}/days/{day_id}")
    fields = office.locator("#day-fields")
    lunch_before = fields.locator("input[name=lunch]").input_value()
    fields.locator("input[name=lunch]").fill("12:30")
    fields.get_by_role("button", name="Save day").click()
    expect(fields.get_by_role("status")).to_have_text("Saved")
    office.get_by_role("link", name="Preview & publish call sheet").click()
    expect(office.locator("#changes li", has_text="Everyone called")).to_contain_text(f"Lunch {lunch_before} → 12:30")
    office.get_by_role("button", name=re.compile(r"^Publish revision 2")).click()
    expect(office.locator(".rvb")).to_contain_text("Revision 2")

    # Revision 3 adds a hazard; Chris never opened revision 2.
    office.goto(f"/p/{production_id}/days/{day_id}")
    fields = office.locator("#day-fields")
    fields.locator("textarea[name=safety_notes]").fill(HAZARD)
    fields.get_by_role("button", name="Save day").click()
    expect(fields.get_by_role("status")).to_have_text("Saved")
    office.get_by_role("link", name="Preview & publish call sheet").click()
    office.get_by_role("button", name=re.compile(r"^Publish revision 3")).click()
    expect(office.locator(".rvb")).to_contain_text("Revision 3")
    look_at(office, screenshot, "what-changed-revision-tablet")

    crew.reload()
    box = crew.locator("#what-changed")
    expect(box).to_contain_text("since revision 1")
    expect(box.locator("li.safety")).to_have_text(f"Safety: {HAZARD}")
    expect(box).to_contain_text(f"Lunch {lunch_before} → 12:30")
    look_at(crew, screenshot, "what-changed-my-day-phone")

    crew.get_by_role("link", name="Notifications").click()
    expect(crew.locator("main")).to_contain_text(f"Safety: {HAZARD}")
    expect(crew.locator("main")).not_to_contain_text("Nothing changed for you")
    screenshot(crew, "what-changed-feed-phone")

    crew.go_back()
    crew.get_by_role("button", name="Confirm receipt").click()
    expect(crew.locator("#confirm").get_by_role("status")).to_have_text(re.compile(r"Synced|Confirmed"))
    crew.reload()
    expect(crew.locator("#what-changed")).to_have_count(0)

    for context in (tablet, phone):
        assert context.watch.errors == []
