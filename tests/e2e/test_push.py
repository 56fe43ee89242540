"""Push alerts in real Chromium: opt in from the account page, publish a moved call, and the
message the server encrypted reaches the service worker, which caches the new revision and
shows the personal notification.

Chromium here cannot reach Google's push service, so (as FIELD-NOTES describes) the test
stubs `PushManager.prototype.subscribe` to return a subscription on the loopback push
service of tests/pushservice.py, with keys it holds. The app's embedded push worker sends
to that service, which verifies the VAPID JWT and decrypts the aes128gcm body with the
subscriber's private key; the plaintext it recovered is then delivered to the service
worker through the DevTools protocol (ServiceWorker.deliverPushMessage).
"""

import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from py_vapid import Vapid

from harness import AppServer, copy_database
from pushservice import Answer, PushService, vapid_private_key_text, wait_for_deliveries

CREW, COORDINATOR = "crew@example.com", "coordinator@example.com"
CREW_NAME = "Chris Dunmore"
SUBSCRIPTION_KEY = "callboard-e2e-push-subscription"
SIGNAL_BACK = 15_000  # ms: the board polls every 5 s

# Replaces the browser's push subscription with one on the loopback push service. The
# subscription survives reloads (localStorage), as a real one would.
STUB_SUBSCRIBE = """
((endpoint, p256dh, auth, storageKey) => {
  if (typeof PushManager === "undefined") return;
  const bytes = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
  };
  const text = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  const made = (serverKey) => ({
    endpoint, expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: bytes(serverKey) },
    getKey: (name) => bytes(name === "p256dh" ? p256dh : auth),
    toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
    unsubscribe: async () => { localStorage.removeItem(storageKey); return true; },
  });
  PushManager.prototype.subscribe = async function (options) {
    const key = options.applicationServerKey;
    const serverKey = typeof key === "string" ? key : text(key.buffer ? key.buffer : key);
    localStorage.setItem(storageKey, serverKey);
    return made(serverKey);
  };
  PushManager.prototype.getSubscription = async function () {
    const serverKey = localStorage.getItem(storageKey);
    return serverKey ? made(serverKey) : null;
  };
})(ARGUMENTS);
"""
# Wait (at most 30 s: on a loaded machine the worker may still be caching the revision) until
# the service worker shows a notification; return what it shows.
# (wait_for_function does not await an async predicate, so the page checks the condition.)
SHOWN_NOTIFICATIONS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  const deadline = Date.now() + 30000;
  let shown = await registration.getNotifications();
  while (!shown.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    shown = await registration.getNotifications();
  }
  return shown.map((n) => ({title: n.title, body: n.body, tag: n.tag, data: n.data}));
}"""
# Tap the notification shown: dispatch notificationclick as the browser would and return
# the URL of the window the handler brought there. (A synthetic event's own waitUntil throws.)
TAP_NOTIFICATION = """(async () => {
  const [notification] = await self.registration.getNotifications();
  const event = new NotificationEvent("notificationclick", { notification });
  let handled = null;
  event.waitUntil = (promise) => { handled = promise; };
  self.dispatchEvent(event);
  const client = await handled;
  return client && client.url;
})()"""
CACHED_PAGE = """async (url) => {
  const found = await caches.match(url);
  return found ? await found.text() : null;
}"""


@pytest.fixture
def push_service():
    with PushService() as service:
        yield service


@pytest.fixture
def vapid_private_key(push_service) -> str:
    """The server's VAPID key, so the push service checks requests are signed with it."""
    private_key = vapid_private_key_text()
    vapid = Vapid.from_string(private_key)
    from app.push.keys import public_key_of

    push_service.vapid_public_key = public_key_of(vapid)
    return private_key


@pytest.fixture
def fresh_server(tmp_path, demo_database, push_service, vapid_private_key):
    """A fresh demo server whose push worker may send to the loopback push service only."""
    server = AppServer(
        tmp_path,
        copy_database(demo_database, tmp_path / "callboard.sqlite3"),
        PUSH_ALLOWED_ORIGINS=push_service.origin,
        VAPID_PRIVATE_KEY=vapid_private_key,
    )
    yield server.start()
    server.kill()


def first_day_ids(server) -> tuple[int, int]:
    """Return (production id, day 1 id) of The Iron Men."""
    [(production_id, day_id)] = server.sql(
        "SELECT p.id, d.id FROM productions p JOIN shoot_days d ON d.production_id = p.id "
        "WHERE p.title = 'The Iron Men' ORDER BY d.date LIMIT 1"
    )
    return production_id, day_id


def person_id(server, production_id: int, name: str) -> int:
    [(found,)] = server.sql("SELECT id FROM people WHERE production_id = ? AND name = ?", (production_id, name))
    return found


def minus_thirty(clock: str) -> str:
    hours, minutes = map(int, clock.split(":"))
    total = hours * 60 + minutes - 30
    return f"{total // 60:02d}:{total % 60:02d}"


def publish_earlier_calls(office, production_id: int, day_id: int, *person_ids: int) -> tuple[dict, int]:
    """In the office UI, move each person's call 30 minutes earlier and publish revision 2.

    Return ({person id: (before, after)}, the new revision's id).
    """
    office.goto(f"/p/{production_id}/days/{day_id}")
    moves = {}
    for person in person_ids:
        row = office.locator(f"form#call-{person}")
        before = row.locator(".call-time .clock").inner_text().strip()
        moves[person] = (before, minus_thirty(before))
        row.locator("input[name=call_override]").fill(moves[person][1])
        row.locator("button[value=save]").click()
        expect(office.locator(f"form#call-{person}").get_by_role("status")).to_have_text("Saved")
    office.goto(f"/p/{production_id}/days/{day_id}/callsheet")
    office.get_by_role("button", name=re.compile(r"^Publish revision 2")).click()
    expect(office).to_have_url(re.compile(rf"/p/{production_id}/revisions/\d+$"))
    return moves, int(office.url.rstrip("/").rsplit("/", 1)[1])


def stub_push(context, subscriber) -> None:
    """Make the context's pages subscribe to the loopback push service with the subscriber's keys."""
    context.add_init_script(
        STUB_SUBSCRIBE.replace(
            "ARGUMENTS",
            ", ".join(
                json.dumps(value)
                for value in (subscriber.endpoint, subscriber.p256dh, subscriber.auth, SUBSCRIPTION_KEY)
            ),
        )
    )


def turn_on_push(page):
    """Tap the opt-in on the account page (the service worker already installed); return the section."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.goto("/account/notifications")
    optin = page.locator("#push-optin")
    enable = optin.get_by_role("button", name="Turn on push alerts")
    expect(enable).to_be_visible()
    enable.click()
    expect(optin.locator("[data-push-state=on]")).to_be_visible()
    return optin


def service_worker_registration(context, page) -> tuple[object, str]:
    """Open a DevTools session on the page; return it and the id of the origin's registration."""
    cdp = context.new_cdp_session(page)
    registrations = {}
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.update(
            {r["scopeURL"]: r["registrationId"] for r in event["registrations"] if not r["isDeleted"]}
        ),
    )
    cdp.send("ServiceWorker.enable")  # answers with the current registrations as events first
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope in registrations, f"no registration event for {scope}: {registrations}"
    return cdp, registrations[scope]


def test_a_moved_call_reaches_the_phone_as_a_personal_notification_with_the_revision_cached(
    fresh_server, push_service, devices, login
):
    production_id, day_id = first_day_ids(fresh_server)
    chris, robin = (person_id(fresh_server, production_id, name) for name in (CREW_NAME, "Robin Hale"))
    phone_keys = push_service.subscriber()
    phone = devices.phone(permissions=["notifications"])
    stub_push(phone, phone_keys)

    # Chris opens Callboard, the service worker takes over, and he turns push on with a tap.
    crew = login(phone.new_page(), CREW)
    turn_on_push(crew)
    expect(crew.locator("#devices li")).to_have_count(1)
    assert fresh_server.sql("SELECT endpoint FROM push_subscriptions") == [(phone_keys.endpoint,)]

    # The coordinator moves Chris's call (and Robin's: Robin has no account) and publishes revision 2.
    office = login(devices.tablet().new_page(), COORDINATOR)
    moves, revision_id = publish_earlier_calls(office, production_id, day_id, chris, robin)
    before, after = moves[chris]
    revision_url = f"/p/{production_id}/revisions/{revision_id}"

    # The embedded push worker sends it; the push service checked the VAPID JWT and decrypted it.
    assert wait_for_deliveries(push_service, 1), f"nothing delivered; refused: {push_service.rejections}"
    [received] = phone_keys.delivered
    message = received.message
    assert message["title"] == f"Your call moved {before} → {after}"
    assert "Day 1" in message["body"] and "Revision Blue" in message["body"]
    assert message["url"] == revision_url and message["tag"] == f"day-{day_id}"
    [(shoot_date,)] = fresh_server.sql("SELECT date FROM shoot_days WHERE id = ?", (day_id,))
    same_day = date.fromisoformat(shoot_date) <= datetime.now(ZoneInfo("Europe/London")).date()
    assert received.urgency == ("high" if same_day else "normal") and received.ttl > 0
    assert received.topic and received.claims["sub"].startswith("mailto:")
    assert len(phone_keys.delivered) == 1 and push_service.rejections == []

    # The coordinator's board shows, live, that Chris was pushed and Robin must be phoned.
    office.goto(f"{revision_url}/board")
    expect(office.locator("#board tr", has_text=CREW_NAME).locator(".reach-status")).to_have_text(
        "Push: pushed", timeout=SIGNAL_BACK
    )  # the worker records it; the board polls every 5 s
    phone_them = office.locator(".unreached-board")
    expect(phone_them).to_contain_text("Not reached — phone them (1)")
    expect(phone_them.get_by_role("link", name="Call +44 7700 900114")).to_have_attribute("href", "tel:+447700900114")
    expect(phone_them).not_to_contain_text(CREW_NAME)

    # The phone's service worker gets exactly what the push service decrypted.
    cdp, registration_id = service_worker_registration(phone, crew)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": fresh_server.url, "registrationId": registration_id, "data": received.text},
    )
    [shown] = crew.evaluate(SHOWN_NOTIFICATIONS)
    assert shown["title"] == f"Your call moved {before} → {after}"
    assert shown["body"] == message["body"] and shown["tag"] == f"day-{day_id}"
    assert shown["data"]["url"] == revision_url

    # It fetched the new revision into the page cache before showing the notification.
    cached = crew.evaluate(CACHED_PAGE, f"{fresh_server.url}{revision_url}")
    assert cached is not None, "the new revision is not in the service worker's cache"
    assert "Revision 2" in cached and after in cached
    # Saving it ahead of time is not reading it: the board still says Not opened.
    assert fresh_server.sql(
        "SELECT count(*) FROM acknowledgements WHERE revision_id = ? AND person_id = ? AND opened_at IS NOT NULL",
        (revision_id, chris),
    ) == [(0,)]

    # With the server stopped, tapping the notification takes Chris's open Callboard window to
    # the new revision, from the cache. (Headless Chromium cannot click a notification: the
    # test dispatches the notificationclick event the browser would, inside the worker.)
    fresh_server.stop()
    [worker] = phone.service_workers
    with crew.expect_navigation(url=f"{fresh_server.url}{revision_url}"):
        assert worker.evaluate(TAP_NOTIFICATION) == f"{fresh_server.url}{revision_url}"
    expect(crew.locator("main")).to_have_attribute("data-served-from-cache", re.compile(r"^\d{4}-"))
    expect(crew.locator("main")).to_contain_text("Revision 2")
    expect(crew.locator("main")).to_contain_text(after)
    assert (
        crew.evaluate("navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((shown) => shown.length)")
        == 0
    )  # the tap closed it

    for context in (phone,):
        assert context.watch.errors == []


# Screens ------------------------------------------------------------------------------------

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
NO_PUSH = "delete window.PushManager;"
BLOCKED = 'Object.defineProperty(Notification, "permission", { get: () => "denied" });'
# Visible controls smaller than a fingertip (44 x 44 CSS px), and sideways overflow.
SMALL_TARGETS = """() => [...document.querySelectorAll(
    "main button, main a.button, main .row > a, main a.tel, main .seg a, main label.choice, main summary")]
  .filter((el) => el.offsetParent !== null)
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([, box]) => box.height < 44 || box.width < 44)
  .map(([el, box]) => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}" ${Math.round(box.width)}x${Math.round(box.height)}`)"""  # noqa: E501
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def look_at(page, screenshot, name: str) -> None:
    """Save the page light and dark; fail on controls too small to tap or sideways scrolling."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        screenshot(page, f"push-{name}-{scheme}")
        assert page.evaluate(OVERFLOW) <= 0, f"{name} ({scheme}) scrolls sideways"
    assert page.evaluate(SMALL_TARGETS) == [], f"{name}: controls smaller than 44 px"
    page.emulate_media(color_scheme="light")


def test_the_push_screens_in_every_state_fit_phone_and_tablet_light_and_dark(
    fresh_server, push_service, devices, login, screenshot
):
    production_id, day_id = first_day_ids(fresh_server)
    chris, robin, dana = (
        person_id(fresh_server, production_id, name) for name in (CREW_NAME, "Robin Hale", "Dana Whitfield")
    )
    sizes = {"phone": devices.phone, "tablet": devices.tablet}

    # The opt-in in each state a browser can put it in.
    for size, make in sizes.items():
        for state, options, script in (
            ("unsupported", {}, NO_PUSH),
            ("not-installed", {"user_agent": IPHONE}, None),
            ("blocked", {}, BLOCKED),
            ("off", {}, None),
        ):
            context = make(**options)
            if script:
                context.add_init_script(script)
            page = login(context.new_page(), CREW)
            page.goto("/account/notifications")
            expect(page.locator(f"[data-push-state={state}]")).to_be_visible()
            look_at(page, screenshot, f"optin-{state}-{size}")
            context.close()

    # On, with two devices: Chris's phone and a tablet (whose alerts will fail).
    phone_keys, office_keys, tablet_keys = (push_service.subscriber() for _ in range(3))
    phone = devices.phone(permissions=["notifications"])
    stub_push(phone, phone_keys)
    crew = login(phone.new_page(), CREW)
    turn_on_push(crew)
    crew.evaluate(
        """async ([endpoint, p256dh, auth]) => {
      const key = (await (await fetch("/push/key")).json()).publicKey;
      const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
      const answer = await fetch("/push/subscriptions", {method: "POST", headers: {
        "Content-Type": "application/json", "X-CSRFToken": token},
        body: JSON.stringify({endpoint, keys: {p256dh, auth}, applicationServerKey: key})});
      if (!answer.ok) throw new Error(`subscribe: ${answer.status}`);
    }""",
        [tablet_keys.endpoint, tablet_keys.p256dh, tablet_keys.auth],
    )
    crew.reload()
    expect(crew.locator("#devices li")).to_have_count(2)
    this_device = crew.locator("#devices li", has=crew.locator("[data-this-device]:visible"))
    expect(this_device).to_have_attribute("data-endpoint", phone_keys.endpoint)  # not the tablet
    crew.locator("#devices li").first.get_by_role("button", name="Send me a test").click()
    expect(crew.locator("#devices").get_by_role("status")).to_contain_text("Test sent")
    look_at(crew, screenshot, "optin-on-devices-phone")

    # The office: Dana's tablet refuses every alert (410); Robin has no device. Three calls move.
    office_context = devices.tablet(permissions=["notifications"])
    stub_push(office_context, office_keys)
    office = login(office_context.new_page(), COORDINATOR)
    turn_on_push(office)
    look_at(office, screenshot, "optin-on-tablet")
    push_service.script(office_keys, *[Answer(status=410)] * 3)
    _, revision_id = publish_earlier_calls(office, production_id, day_id, chris, robin, dana)
    revision_url = f"/p/{production_id}/revisions/{revision_id}"
    assert wait_for_deliveries(push_service, 2)  # Chris's phone: the test and the moved call
    office.goto(f"{revision_url}/board")
    expect(office.locator("#board tr", has_text=CREW_NAME).locator(".reach-status")).to_have_text(
        "Push: pushed", timeout=SIGNAL_BACK
    )
    # Dana's alert failed, but she opened the revision when she published it: only Robin to phone.
    expect(office.locator("#board tr", has_text="Dana Whitfield").locator(".reach-status")).to_have_text(
        "Push: failed", timeout=SIGNAL_BACK
    )
    expect(office.locator(".unreached-board")).to_contain_text("Not reached — phone them (1)")
    look_at(office, screenshot, "board-tablet")
    office.goto(revision_url)
    expect(office.locator("#reach")).to_contain_text("Dana Whitfield")
    look_at(office, screenshot, "revision-reach-tablet")

    office_phone = login(devices.phone().new_page(), COORDINATOR)
    for name, path in (("board", f"{revision_url}/board"), ("revision-reach", revision_url)):
        office_phone.goto(path)
        look_at(office_phone, screenshot, f"{name}-phone")

    # Chris's notifications feed, on the phone and on a tablet.
    crew.goto("/notifications")
    expect(crew.locator("#feed article").first).to_contain_text("Your call moved")
    look_at(crew, screenshot, "feed-phone")
    crew_tablet = login(devices.tablet().new_page(), CREW)
    crew_tablet.goto("/notifications")
    look_at(crew_tablet, screenshot, "feed-tablet")
    crew_tablet.goto("/account/notifications")
    look_at(crew_tablet, screenshot, "optin-off-devices-tablet")
