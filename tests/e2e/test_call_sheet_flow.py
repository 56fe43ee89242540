"""A changed call time travels: tablet office → published revision → phone → board, live."""

import re

from playwright.sync_api import expect

CREW = "crew@example.com"
COORDINATOR = "coordinator@example.com"
CREW_NAME = "Chris Dunmore"


def first_day_ids(server) -> tuple[int, int, int]:
    """Return (production id, day 1 id, Chris Dunmore's person id) in The Iron Men."""
    [(production_id, day_id, person_id)] = server.sql(
        "SELECT p.id, d.id, m.id FROM productions p JOIN shoot_days d ON d.production_id = p.id "
        "JOIN people m ON m.production_id = p.id WHERE p.title = 'The Iron Men' AND m.name = ? "
        "ORDER BY d.date LIMIT 1",
        (CREW_NAME,),
    )
    return production_id, day_id, person_id


def minus_thirty(clock: str) -> str:
    hours, minutes = map(int, clock.split(":"))
    total = hours * 60 + minutes - 30
    return f"{total // 60:02d}:{total % 60:02d}"


def look_at(page, screenshot, name: str) -> None:
    """Save the page in the light theme and in the dark one."""
    screenshot(page, name)
    page.emulate_media(color_scheme="dark")
    screenshot(page, f"{name}-dark")
    page.emulate_media(color_scheme="light")


def test_a_changed_call_reaches_the_phone_and_the_confirmation_reaches_the_board(
    fresh_server, tablet, devices, login, screenshot
):
    production_id, day_id, person_id = first_day_ids(fresh_server)
    office = login(tablet.new_page(), COORDINATOR)

    # The coordinator moves Chris's call half an hour earlier in day 1's editor.
    office.goto(f"/p/{production_id}/days/{day_id}")
    row = office.locator(f"form#call-{person_id}")
    before = row.locator(".call-time .clock").inner_text().strip()
    after = minus_thirty(before)
    row.locator("input[name=call_override]").fill(after)
    row.locator("button[value=save]").click()
    row = office.locator(f"form#call-{person_id}")
    expect(row.locator(".call-time .clock")).to_have_text(after)
    expect(row.get_by_role("status")).to_have_text("Saved")
    look_at(office, screenshot, "flow-day-editor-tablet")

    # The draft preview says what changes for Chris, then the coordinator publishes.
    office.goto(f"/p/{production_id}/days/{day_id}/callsheet")
    change = office.locator("#changes li", has_text=CREW_NAME)
    expect(change).to_contain_text(f"Call {before} → {after}")
    look_at(office, screenshot, "flow-preview-tablet")
    office.get_by_role("button", name=re.compile(r"^Publish revision 2")).click()
    expect(office).to_have_url(re.compile(rf"/p/{production_id}/revisions/\d+$"))
    expect(office.locator(".rvb")).to_contain_text("Revision 2")
    revision_id = int(office.url.rstrip("/").rsplit("/", 1)[1])
    look_at(office, screenshot, "flow-revision-tablet")

    # The coordinator watches the new revision's board before Chris has seen anything.
    office.get_by_role("link", name="Distribution board").click()
    expect(office).to_have_url(re.compile(rf"/revisions/{revision_id}/board"))
    chris_on_board = office.locator("#board tr", has_text=CREW_NAME)
    expect(chris_on_board.locator(".badge")).to_have_text("Not opened")
    look_at(office, screenshot, "flow-board-before-tablet")

    # Chris, on a phone, sees revision 2 and the new call on My day, and confirms.
    phone = devices.phone()
    crew = login(phone.new_page(), CREW)
    expect(crew).to_have_url(re.compile(rf"/p/{production_id}/my-day$"))
    expect(crew.locator(".mycall .rvp")).to_contain_text("Revision 2")
    expect(crew.locator(".mycall .call")).to_have_text(after)
    look_at(crew, screenshot, "flow-my-day-phone")
    crew.get_by_role("button", name="Confirm receipt").click()
    # The tap goes through the offline outbox: Pending, then Synced once the server has it.
    expect(crew.locator("#confirm").get_by_role("status")).to_have_text(re.compile(r"Synced|Confirmed"))
    screenshot(crew, "flow-my-day-confirmed-phone")

    # The board, never reloaded, polls and shows Chris as confirmed.
    expect(chris_on_board.locator(".badge")).to_have_text(re.compile(r"^Confirmed"), timeout=12_000)
    look_at(office, screenshot, "flow-board-after-tablet")

    for context in (tablet, phone):
        assert context.watch.errors == []
        assert context.watch.failed_requests == []


def test_the_flow_screens_fit_each_device(tablet, devices, login, screenshot, server):
    """The same screens at the other size: the editor and board on a phone, My day on a tablet."""
    production_id, day_id, _ = first_day_ids(server)
    [(revision_id,)] = server.sql(
        "SELECT id FROM callsheet_revisions WHERE shoot_day_id = ? ORDER BY number DESC LIMIT 1", (day_id,)
    )
    office = login(devices.phone().new_page(), COORDINATOR)
    for name, path in (
        ("day-editor", f"/p/{production_id}/days/{day_id}"),
        ("preview", f"/p/{production_id}/days/{day_id}/callsheet"),
        ("revision", f"/p/{production_id}/revisions/{revision_id}"),
        ("board", f"/p/{production_id}/revisions/{revision_id}/board"),
    ):
        office.goto(path)
        look_at(office, screenshot, f"flow-{name}-phone")
        assert_fits(office, name)

    crew = login(tablet.new_page(), CREW)
    expect(crew.locator(".mycall .call")).to_have_text(re.compile(r"^\d\d:\d\d"))
    look_at(crew, screenshot, "flow-my-day-tablet")
    assert_fits(crew, "my day")


def assert_fits(page, name: str) -> None:
    """The page never scrolls sideways (wide tables scroll inside their own box)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} is {overflow}px wider than the screen"
