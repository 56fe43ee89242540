"""Sane times in a real browser: an early check-in asks "Are you sure?" on a 390 px phone, and
once confirmed the office's today board (tablet) shows the flag instead of counting it silently."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from e2e.conftest import ARTIFACTS

CREW, COORDINATOR = "crew@example.com", "coordinator@example.com"
CREW_NAME = "Chris Dunmore"
LONDON = "Europe/London"


def today_ids(server) -> tuple[int, int]:
    """Return today's shoot day id of The Iron Men and Chris Dunmore's person id."""
    [(day_id, person_id)] = server.sql(
        "SELECT d.id, m.id FROM shoot_days d JOIN productions p ON p.id = d.production_id "
        "JOIN people m ON m.production_id = p.id WHERE p.title = 'The Iron Men' AND m.name = ? AND d.date = ?",
        (CREW_NAME, datetime.now(ZoneInfo(LONDON)).date().isoformat()),
    )
    return day_id, person_id


def look_at(page, screenshot, name: str, part=None) -> None:
    """Save the page in the light theme and in the dark one, and the part to look at closely."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        suffix = "" if scheme == "light" else "-dark"
        screenshot(page, f"{name}{suffix}")
        if part is not None:
            part.screenshot(path=ARTIFACTS / "screenshots" / f"{name}-close{suffix}.png")
    page.emulate_media(color_scheme="light")


def publish_call_in_four_hours(office, production_id: int, day_id: int, person_id: int) -> str:
    """Move the person's call four hours ahead of now in the day editor and publish; return it."""
    local = datetime.now(ZoneInfo(LONDON)) + timedelta(hours=4)
    hours = local.hour + (24 if local.date() > datetime.now(ZoneInfo(LONDON)).date() else 0)
    call = f"{hours:02d}:{local.minute:02d}"
    office.goto(f"/p/{production_id}/days/{day_id}")
    row = office.locator(f"form#call-{person_id}")
    row.locator("input[name=call_override]").fill(call)
    row.locator("button[value=save]").click()
    expect(office.locator(f"form#call-{person_id}").get_by_role("status")).to_have_text("Saved")
    office.goto(f"/p/{production_id}/days/{day_id}/callsheet")
    office.get_by_role("button", name=re.compile(r"^Publish revision")).click()
    expect(office).to_have_url(re.compile(rf"/p/{production_id}/revisions/\d+$"))
    return call


def test_an_early_check_in_asks_on_the_phone_and_the_board_shows_the_confirmed_flag(
    fresh_server, devices, login, screenshot
):
    production_id = 1
    day_id, person_id = today_ids(fresh_server)
    office = login(devices.tablet(timezone_id=LONDON).new_page(), COORDINATOR)
    call = publish_call_in_four_hours(office, production_id, day_id, person_id)
    shown_call = call if int(call[:2]) < 24 else f"{int(call[:2]) - 24:02d}:{call[3:]} +1"

    crew = login(devices.phone(timezone_id=LONDON).new_page(), CREW)
    crew.goto(f"/p/{production_id}/my-day")
    section = crew.locator("[data-checkin]")

    # A tap four hours before the call asks first; Cancel queues nothing.
    section.get_by_role("button", name="Check in").click()
    question = section.get_by_role("alertdialog", name="Are you sure?")
    expect(question).to_contain_text(
        re.compile(rf"Are you sure\? It is [34] h( \d+ min)? before your {re.escape(shown_call)} call\.")
    )
    look_at(crew, screenshot, "sane-times-are-you-sure-phone", crew.locator(".mycall"))
    question.get_by_role("button", name="Cancel").click()
    expect(question).to_have_count(0)
    assert fresh_server.sql("SELECT count(*) FROM checkins") == [(0,)]

    # Tapped again and confirmed: stored, with the flag and the answer.
    section.get_by_role("button", name="Check in").click()
    section.get_by_role("alertdialog").get_by_role("button", name="Yes, check in").click()
    expect(section.locator(":scope > [data-outbox-status]")).to_have_text(
        re.compile(rf"Synced — the office sees an odd time: [34] h( \d+ min)? before call {re.escape(shown_call)}")
    )
    [(flag, confirmed)] = fresh_server.sql("SELECT flag, flag_confirmed FROM checkins WHERE kind = 'arrival'")
    assert flag.endswith(f"before call {shown_call}") and confirmed == 1
    crew.reload()
    expect(section.locator("[data-checkin-flag]")).to_contain_text(", confirmed")
    look_at(crew, screenshot, "sane-times-checked-in-phone", crew.locator(".mycall"))

    # The office's board shows the flag under Chris and counts an odd time, not a plain arrival.
    office.goto(f"/p/{production_id}/today")
    chris = office.locator("li.board-row", has_text=CREW_NAME)
    expect(chris.locator("[data-board-flag]")).to_have_text(
        re.compile(rf"⚑ Checked in \d\d:\d\d — [34] h( \d+ min)? before call {re.escape(shown_call)}, confirmed")
    )
    expect(office.locator("[data-odd-times]")).to_have_text("⚑ 1 odd time — check")
    look_at(office, screenshot, "sane-times-board-tablet", chris)
    look_at(office, screenshot, "sane-times-board-summary-tablet", office.locator("[data-board-summary]"))
    assert not devices.contexts[1].watch.errors and not devices.contexts[0].watch.errors
