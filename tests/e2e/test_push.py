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

import pytest
from playwright.sync_api import expect
from py_vapid import Vapid

from harness import AppServer, copy_database
from pushservice import PushService, vapid_private_key_text, wait_for_deliveries

CREW, COORDINATOR = "crew@example.com", "coordinator@example.com"
CREW_NAME = "Chris Dunmore"
SUBSCRIPTION_KEY = "callboard-e2e-push-subscription"

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
# Wait (at most 10 s) until the service worker shows a notification; return what it shows.
# (wait_for_function does not await an async predicate, so the page checks the condition.)
SHOWN_NOTIFICATIONS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  const deadline = Date.now() + 10000;
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
    server = AppServer(tmp_path, copy_database(demo_database, tmp_path / "callboard.sqlite3"),
                       env={"PUSH_ALLOWED_ORIGINS": push_service.origin,
                            "VAPID_PRIVATE_KEY": vapid_private_key})
    yield server.start()
    server.kill()


def first_day_ids(server) -> tuple[int, int, int]:
    """Return (production id, day 1 id, Chris Dunmore's person id) in The Iron Men."""
    [(production_id, day_id, person_id)] = server.sql(
        "SELECT p.id, d.id, m.id FROM productions p JOIN shoot_days d ON d.production_id = p.id "
        "JOIN people m ON m.production_id = p.id WHERE p.title = 'The Iron Men' AND m.name = ? "
        "ORDER BY d.date LIMIT 1", (CREW_NAME,))
    return production_id, day_id, person_id


def minus_thirty(clock: str) -> str:
    hours, minutes = map(int, clock.split(":"))
    total = hours * 60 + minutes - 30
    return f"{total // 60:02d}:{total % 60:02d}"


def publish_earlier_call(office, production_id: int, day_id: int, person_id: int) -> tuple[str, str, int]:
    """In the office UI, move the person's call 30 minutes earlier and publish; return (before, after, revision id)."""
    office.goto(f"/p/{production_id}/days/{day_id}")
    row = office.locator(f"form#call-{person_id}")
    before = row.locator(".call-time .clock").inner_text().strip()
    after = minus_thirty(before)
    row.locator("input[name=call_override]").fill(after)
    row.locator("button[value=save]").click()
    expect(office.locator(f"form#call-{person_id}").get_by_role("status")).to_have_text("Saved")
    office.goto(f"/p/{production_id}/days/{day_id}/callsheet")
    office.get_by_role("button", name=re.compile(r"^Publish revision 2")).click()
    expect(office).to_have_url(re.compile(rf"/p/{production_id}/revisions/\d+$"))
    return before, after, int(office.url.rstrip("/").rsplit("/", 1)[1])


def service_worker_registration(context, page) -> tuple[object, str]:
    """Open a DevTools session on the page; return it and the id of the origin's registration."""
    cdp = context.new_cdp_session(page)
    registrations = {}
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.update({r["scopeURL"]: r["registrationId"]
                                               for r in event["registrations"] if not r["isDeleted"]}))
    cdp.send("ServiceWorker.enable")  # answers with the current registrations as events first
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope in registrations, f"no registration event for {scope}: {registrations}"
    return cdp, registrations[scope]


def test_a_moved_call_reaches_the_phone_as_a_personal_notification_with_the_revision_cached(
        fresh_server, push_service, devices, login):
    production_id, day_id, person_id = first_day_ids(fresh_server)
    phone_keys = push_service.subscriber()
    phone = devices.phone(permissions=["notifications"])
    phone.add_init_script(STUB_SUBSCRIBE.replace("ARGUMENTS", ", ".join(
        json.dumps(value) for value in (phone_keys.endpoint, phone_keys.p256dh, phone_keys.auth,
                                        SUBSCRIPTION_KEY))))

    # Chris opens Callboard, the service worker takes over, and he turns push on with a tap.
    crew = login(phone.new_page(), CREW)
    crew.evaluate("navigator.serviceWorker.ready.then(() => true)")
    crew.goto("/account/notifications")
    optin = crew.locator("#push-optin")
    enable = optin.get_by_role("button", name="Turn on push alerts")
    expect(enable).to_be_visible()
    enable.click()
    expect(optin.locator("[data-push-state=on]")).to_be_visible()
    expect(crew.locator("#devices li")).to_have_count(1)
    assert fresh_server.sql("SELECT endpoint FROM push_subscriptions") == [(phone_keys.endpoint,)]

    # The coordinator moves Chris's call earlier and publishes revision 2.
    office = login(devices.tablet().new_page(), COORDINATOR)
    before, after, revision_id = publish_earlier_call(office, production_id, day_id, person_id)
    revision_url = f"/p/{production_id}/revisions/{revision_id}"

    # The embedded push worker sends it; the push service checked the VAPID JWT and decrypted it.
    assert wait_for_deliveries(push_service, 1), f"nothing delivered; refused: {push_service.rejections}"
    [received] = phone_keys.delivered
    message = received.message
    assert message["title"] == f"Your call moved {before} → {after}"
    assert "Day 1" in message["body"] and "Revision Blue" in message["body"]
    assert message["url"] == revision_url and message["tag"] == f"day-{day_id}"
    assert received.urgency in ("high", "normal") and received.ttl > 0
    assert received.topic and received.claims["sub"].startswith("mailto:")
    assert len(phone_keys.delivered) == 1 and push_service.rejections == []

    # The phone's service worker gets exactly what the push service decrypted.
    cdp, registration_id = service_worker_registration(phone, crew)
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": fresh_server.url, "registrationId": registration_id, "data": received.text})
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
        "SELECT count(*) FROM acknowledgements WHERE revision_id = ? AND person_id = ? "
        "AND opened_at IS NOT NULL", (revision_id, person_id)) == [(0,)]

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
    assert crew.evaluate("navigator.serviceWorker.ready.then((r) => r.getNotifications())"
                         ".then((shown) => shown.length)") == 0  # the tap closed it

    for context in (phone,):
        assert context.watch.errors == []
