"""Real Chromium against the real app: My day works with the server stopped; offline actions sync exactly once."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, login

CREW, COORDINATOR = "crew@example.com", "coordinator@example.com"
LONDON = "Europe/London"
NO_BACKGROUND_SYNC = """
delete window.SyncManager;
Object.defineProperty(ServiceWorkerRegistration.prototype, "sync", {get: () => undefined});
"""
SAVED_PAGES = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
  }
  return urls;
}"""
CHECKIN_STATUS = "[data-checkin] > [data-outbox-status]"
SIGNAL_BACK = 15_000  # ms: the outbox retries with backoff and the board polls every 5 s
CONFIRM_STATUS = "form[data-outbox-kind=confirm_revision] [data-outbox-status]"


def count(server, query: str) -> int:
    ((number,),) = server.sql(query)
    return number


def todays_revision(server) -> tuple[str, str]:
    """Return the colour and the London clock time of today's published call sheet for the crew member."""
    colour, published = server.sql(
        "SELECT r.colour, r.published_at FROM callsheet_revisions r JOIN shoot_days d ON d.id = r.shoot_day_id"
        " WHERE d.production_id = 1 AND d.date = ? ORDER BY r.number DESC LIMIT 1",
        (datetime.now(ZoneInfo(LONDON)).date().isoformat(),),
    )[0]
    moment = datetime.fromisoformat(published).replace(tzinfo=UTC)
    return colour, moment.astimezone(ZoneInfo(LONDON)).strftime("%H:%M")


def controlled_my_day(context):
    """Sign in on the phone, let the service worker take control of My day, and return the page."""
    page = login(context.new_page(), CREW)
    page.goto("/p/1/my-day")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    return page


@pytest.mark.parametrize("background_sync", [True, False], ids=["background-sync", "no-background-sync"])
def test_my_day_works_with_the_server_stopped_and_offline_actions_sync_exactly_once(
    fresh_server, devices, background_sync
):
    phone = devices.phone(timezone_id=LONDON)
    if not background_sync:
        phone.add_init_script(NO_BACKGROUND_SYNC)
    page = controlled_my_day(phone)
    assert page.evaluate("'SyncManager' in window") is background_sync
    board = login(devices.tablet(timezone_id=LONDON).new_page(), COORDINATOR)
    board.goto("/p/1/today")
    crew_row = board.locator("li.board-row[data-person-id]", has_text="Chris Dunmore")
    expect(crew_row).not_to_contain_text("Checked in")
    colour, published = todays_revision(fresh_server)

    fresh_server.stop()
    page.reload()
    expect(page.locator("[data-notice=offline]")).to_contain_text(
        f"Offline — revision {colour}, published {published}, saved on this phone"
    )
    page.get_by_role("button", name="Check in").click()
    page.get_by_role("button", name="Confirm receipt").click()
    expect(page.locator(CHECKIN_STATUS)).to_have_text("Pending — will send when there is signal")
    expect(page.locator(CONFIRM_STATUS)).to_contain_text("Pending")
    expect(page.locator("[data-checkin-label]")).to_contain_text("Checked in")

    fresh_server.start()
    page.evaluate("dispatchEvent(new Event('online'))")  # the signal comes back
    expect(page.locator(CHECKIN_STATUS)).to_have_text("Synced", timeout=SIGNAL_BACK)
    expect(page.locator(CONFIRM_STATUS)).to_have_text("Synced")
    assert count(fresh_server, "SELECT count(*) FROM checkins WHERE kind = 'arrival'") == 1
    assert count(fresh_server, "SELECT count(*) FROM acknowledgements WHERE confirmed_at IS NOT NULL") == 1
    expect(crew_row).to_contain_text("Checked in", timeout=SIGNAL_BACK)  # the board polls; nobody reloaded it

    page.reload()
    page.evaluate("dispatchEvent(new Event('online'))")
    expect(page.locator("[data-checkin-label]")).to_contain_text("Checked in")
    assert count(fresh_server, "SELECT count(*) FROM checkins") == 1  # exactly once
    assert count(fresh_server, "SELECT count(*) FROM applied_operations") == 2

    with page.expect_navigation(url=lambda url: "/login" in url):
        page.get_by_role("button", name="Sign out").click()
    assert not [url for url in page.evaluate(SAVED_PAGES) if "/p/" in url]  # nothing of theirs stays


def test_the_outbox_survives_closing_the_browser_and_flushes_on_the_next_visit(fresh_server, playwright, tmp_path):
    def open_phone():
        return playwright.chromium.launch_persistent_context(
            tmp_path / "profile",
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            service_workers="allow",
            base_url=fresh_server.url,
            timezone_id=LONDON,
            **PHONE,
        )

    phone = open_phone()
    page = controlled_my_day(phone)
    fresh_server.stop()
    page.reload()
    page.get_by_role("button", name="Check in").click()
    expect(page.locator(CHECKIN_STATUS)).to_contain_text("Pending")
    phone.close()  # the browser is closed with the check-in still queued

    fresh_server.start()
    phone = open_phone()
    try:
        page = phone.new_page()
        page.goto("/p/1/my-day")
        expect(page.locator(CHECKIN_STATUS)).to_have_text("Synced", timeout=SIGNAL_BACK)
        assert count(fresh_server, "SELECT count(*) FROM checkins WHERE kind = 'arrival'") == 1
    finally:
        phone.close()
