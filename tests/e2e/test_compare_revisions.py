"""Where people look: the office clicks from the landing page to a day's revisions, compares two
side by side, and the changed lines carry a bar in the margin in the revision's colour."""

import re

from playwright.sync_api import expect

from .test_call_sheet_flow import COORDINATOR, CREW_NAME, first_day_ids, look_at, minus_thirty

HAZARD = "Jellyfish in the shallows, no wading"


def _publish_day_edit(office, production_id, day_id, number, edit) -> None:
    office.goto(f"/p/{production_id}/days/{day_id}")
    fields = office.locator("#day-fields")
    edit(fields)
    fields.get_by_role("button", name="Save day").click()
    expect(fields.get_by_role("status")).to_have_text("Saved")
    office.get_by_role("link", name="Preview & publish call sheet").click()
    office.get_by_role("button", name=re.compile(rf"^Publish revision {number}")).click()
    expect(office.locator(".rvb")).to_contain_text(f"Revision {number}")


def test_the_office_compares_two_revisions_side_by_side_with_margin_marks(
    fresh_server, tablet, devices, login, screenshot
):
    production_id, day_id, person_id = first_day_ids(fresh_server)
    office = login(tablet.new_page(), COORDINATOR)
    _publish_day_edit(office, production_id, day_id, 2, lambda f: f.locator("input[name=lunch]").fill("12:30"))
    office.goto(f"/p/{production_id}/days/{day_id}")
    row = office.locator(f"form#call-{person_id}")  # revision 3 moves Chris's call too
    call = minus_thirty(row.locator(".call-time .clock").inner_text().strip())
    row.locator("input[name=call_override]").fill(call)
    row.locator("button[value=save]").click()
    expect(office.locator(f"form#call-{person_id}").get_by_role("status")).to_have_text("Saved")
    _publish_day_edit(office, production_id, day_id, 3, lambda f: f.locator("textarea[name=safety_notes]").fill(HAZARD))
    # The revision page marks the changed line in the margin, in Pink.
    sheet = office.locator("#sheet")
    expect(sheet).to_have_class(re.compile(r"\bmarked\b.*\bpc-pink\b"))
    expect(sheet.locator(".safety.rv")).to_have_text(HAZARD)
    expect(sheet.locator(".kt .rv")).to_have_count(0)  # lunch moved in revision 2, not in 3
    expect(sheet.locator("tr.rv")).to_have_count(1)
    expect(sheet.locator("tr.rv")).to_contain_text(f"{CREW_NAME}")
    expect(sheet.locator("tr.rv")).to_contain_text(call)
    look_at(office, screenshot, "margin-marks-tablet")

    # From the landing page, by clicking: the day, its revision history, two revisions.
    office.goto("/")
    office.get_by_role("link", name=re.compile(r"^The Iron Men")).click()
    office.get_by_role("link", name=re.compile(r"^Day 1 of")).click()
    office.get_by_role("link", name="Revision history").click()
    screenshot(office, "revision-history-tablet")
    form = office.locator("form.cmpf")
    form.get_by_label("Compare").select_option(label="Revision 1 · White")
    form.get_by_label("with").select_option(label="Revision 3 · Pink")
    form.get_by_role("button", name="Compare side by side").click()
    expect(office.locator("main > h1")).to_contain_text("Revision 1 and 3")
    changes = office.locator("#compare-changes")
    expect(changes).to_contain_text(re.compile(r"Lunch \d\d:\d\d → 12:30"))
    expect(changes.locator(".safety")).to_contain_text(HAZARD)
    newer = office.locator("#sheet-3")
    expect(newer.locator(".kt .rv")).to_contain_text("12:30")
    expect(newer.locator(".safety.rv")).to_have_text(HAZARD)
    left, right = office.locator(".sbs-col").nth(0).bounding_box(), office.locator(".sbs-col").nth(1).bounding_box()
    assert left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < 2  # side by side
    look_at(office, screenshot, "compare-tablet")
    office.emulate_media(media="print")  # the bars print, black
    expect(newer.locator(".safety.rv")).to_be_visible()
    screenshot(office, "compare-print")
    office.emulate_media(media="screen")

    phone = devices.phone()
    small = login(phone.new_page(), COORDINATOR)
    small.goto(office.url)
    left, right = small.locator(".sbs-col").nth(0).bounding_box(), small.locator(".sbs-col").nth(1).bounding_box()
    assert right["y"] >= left["y"] + left["height"]  # stacked on a phone
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    look_at(small, screenshot, "compare-phone")
    small.goto(f"/p/{production_id}/days/{day_id}/revisions")
    look_at(small, screenshot, "revision-history-phone")
    office.goto(re.sub(r"/days/\d+/compare.*", "", office.url) + f"/days/{day_id}/revisions")
    office.get_by_role("link", name=re.compile(r"^Revision 3")).click()
    small.goto(office.url)
    look_at(small, screenshot, "margin-marks-phone")

    for context in (tablet, phone):
        assert context.watch.errors == []
