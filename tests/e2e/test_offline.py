"""Real Chromium: My day keeps working with the server stopped; offline actions sync exactly once."""
import sqlite3
from contextlib import nullcontext
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sync_helpers import Server, free_port

pytestmark = pytest.mark.e2e
playwright_api = pytest.importorskip("playwright.sync_api")
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PUBLISHED = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(hours=12)
NO_BACKGROUND_SYNC = """
delete window.SyncManager;
Object.defineProperty(ServiceWorkerRegistration.prototype, "sync", {get: () => undefined});
"""


@pytest.fixture
def server(tmp_path):
    database = tmp_path / "callboard.sqlite3"
    server = Server(database, free_port(), "offline_server:create()",
                    FLASK_APP="offline_server:create", PYTHONPATH=f"{ROOT}:{ROOT / 'tests' / 'e2e'}")
    server.flask("db", "upgrade")
    server.flask("seed-demo")
    with sqlite3.connect(database) as db:
        day_id = db.execute("SELECT id FROM shoot_days WHERE production_id = 1 ORDER BY date LIMIT 1").fetchone()[0]
        today = datetime.now(ZoneInfo("Europe/London")).date()
        db.execute("UPDATE shoot_days SET date = date(date, '+100 days') WHERE production_id = 1")
        db.execute("UPDATE shoot_days SET date = ? WHERE id = ?", (today.isoformat(), day_id))
        db.execute("INSERT INTO callsheet_revisions (production_id, shoot_day_id, number, colour, published_at,"
                   " content, changes) VALUES (1, ?, 2, 'Blue', ?, '{}', '{}')", (day_id, PUBLISHED.isoformat(sep=" ")))
    server.database = database
    server.start()
    yield server
    server.stop()


@pytest.fixture
def browser(playwright):
    """A Chromium of this module's own, from the session's Playwright (one sync driver per process)."""
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def rows(server, sql):
    with sqlite3.connect(server.database) as db:
        return db.execute(sql).fetchall()


def sign_in(context, server, email):
    """Sign in through the context's cookie jar, then open the landing page."""
    page = context.new_page()
    page.goto(f"{server.url}/login")
    token = page.get_attribute("input[name=csrf_token]", "value")
    # The token goes in the header: the skeleton's LoginSchema refuses an unknown
    # csrf_token form field (reported to the lead; app/auth is not this branch's).
    response = context.request.post(f"{server.url}/login", headers={"X-CSRFToken": token},
                                    form={"email": email, "password": "callboard-demo"}, max_redirects=0)
    assert response.status == 302, response.text()
    page.goto(f"{server.url}/")
    return page


@pytest.mark.parametrize("background_sync", [True, False], ids=["background-sync", "no-background-sync"])
def test_my_day_works_with_the_server_stopped_and_offline_actions_sync_exactly_once(server, browser, background_sync):
    expect = playwright_api.expect
    phone = browser.new_context(service_workers="allow", viewport={"width": 390, "height": 844},
                                timezone_id="Europe/London")
    if not background_sync:
        phone.add_init_script(NO_BACKGROUND_SYNC)
    page = sign_in(phone, server, "crew@example.com")
    assert page.url.endswith("/p/1/my-day")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    assert page.evaluate("'SyncManager' in window") is background_sync

    office = browser.new_context(viewport={"width": 1024, "height": 768})
    board = sign_in(office, server, "coordinator@example.com")
    board.goto(f"{server.url}/p/1/today")
    crew_row = board.locator("li.board-row[data-person-id]", has_text="Chris Dunmore")
    expect(crew_row).not_to_contain_text("Checked in")

    server.stop()
    page.reload()
    published = PUBLISHED.astimezone(ZoneInfo("Europe/London")).strftime("%H:%M")
    banner = page.locator("[data-notice=offline]")
    expect(banner).to_contain_text(f"Offline — revision Blue, published {published}, saved on this phone")
    page.click("text=Check in")
    page.click("text=Confirm revision Blue")
    expect(page.locator("[data-checkin] > [data-outbox-status]")).to_have_text("Pending — will send when there is signal")
    expect(page.locator("form[data-outbox-kind=confirm_revision] [data-outbox-status]")).to_contain_text("Pending")
    expect(page.locator("[data-checkin-label]")).to_contain_text("Checked in")

    server.start()
    page.evaluate("dispatchEvent(new Event('online'))")  # the signal comes back
    expect(page.locator("[data-checkin] > [data-outbox-status]")).to_have_text("Synced", timeout=15000)
    expect(page.locator("form[data-outbox-kind=confirm_revision] [data-outbox-status]")).to_have_text("Synced")
    assert rows(server, "SELECT count(*) FROM checkins WHERE kind = 'arrival'") == [(1,)]
    assert rows(server, "SELECT count(*) FROM acknowledgements WHERE confirmed_at IS NOT NULL") == [(1,)]
    expect(crew_row).to_contain_text("Checked in", timeout=12000)  # the board polls; no reload

    page.reload()
    page.evaluate("dispatchEvent(new Event('online'))")
    page.wait_for_timeout(500)
    assert rows(server, "SELECT count(*) FROM checkins") == [(1,)]  # exactly once

    with page.expect_navigation(url=lambda url: "/login" in url):
        page.click("text=Sign out")
    assert "callboard-pages-1" not in page.evaluate("caches.keys()")  # nothing of theirs stays behind
    phone.close()
    office.close()


def test_the_outbox_survives_closing_the_browser_and_flushes_on_the_next_visit(server, tmp_path, playwright):
    expect = playwright_api.expect
    profile = tmp_path / "profile"
    with nullcontext(playwright) as p:
        def open_phone():
            return p.chromium.launch_persistent_context(
                profile, executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, service_workers="allow",
                viewport={"width": 390, "height": 844}, timezone_id="Europe/London")

        phone = open_phone()
        page = sign_in(phone, server, "crew@example.com")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()
        server.stop()
        page.reload()
        page.click("text=Check in")
        expect(page.locator("[data-checkin] > [data-outbox-status]")).to_contain_text("Pending")
        phone.close()  # the browser is closed with the check-in still queued

        server.start()
        phone = open_phone()
        page = phone.new_page()
        page.goto(f"{server.url}/p/1/my-day")
        expect(page.locator("[data-checkin] > [data-outbox-status]")).to_have_text("Synced", timeout=15000)
        assert rows(server, "SELECT count(*) FROM checkins WHERE kind = 'arrival'") == [(1,)]
        phone.close()
