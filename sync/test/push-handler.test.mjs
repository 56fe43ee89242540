import { test } from "node:test";
import assert from "node:assert/strict";

import {
  FALLBACK, handleNotificationClick, handlePush, prefetch, readPush, safeUrl, wirePushHandlers,
} from "../push-handler.js";

const ORIGIN = "https://callboard.example.com";

function pushData(value) {
  return { json: () => (typeof value === "string" ? JSON.parse(value) : value) };
}

function fakeRegistration() {
  const shown = [];
  return { shown, showNotification: async (title, options) => { shown.push({ title, ...options }); } };
}

function fakeCaches() {
  const stored = new Map();
  return {
    stored,
    open: async (name) => ({ put: async (url, response) => stored.set(`${name} ${url}`, response) }),
  };
}

function page(body, ok = true) {
  return { ok, status: ok ? 200 : 500, body };
}

test("a push caches the new revision before it shows the notification", async () => {
  const events = [];
  const registration = fakeRegistration();
  const caches = fakeCaches();
  const fetch = async (url, options) => {
    events.push(`fetch ${url} ${options.credentials}`);
    return page("revision Pink");
  };
  registration.showNotification = async (title, options) => { events.push(`show ${title}`); };
  const message = await handlePush(pushData({
    id: 7, title: "Your call moved 07:00 → 06:30", body: "Day 5, Tue 3 Dec", url: "/p/1/my-day", tag: "day-5",
  }), { registration, caches, fetch, origin: ORIGIN, cacheName: "pages-v3" });
  assert.deepEqual(events, ["fetch /p/1/my-day include", "show Your call moved 07:00 → 06:30"]);
  assert.equal(caches.stored.get("pages-v3 /p/1/my-day").body, "revision Pink");
  assert.equal(message.tag, "day-5");
});

test("the notification carries body, tag and the page to open", async () => {
  const registration = fakeRegistration();
  await handlePush(pushData({ id: 3, title: "Revision Blue", body: "Published 18:05", url: "/p/1/my-day", tag: "day-5" }),
    { registration, origin: ORIGIN });
  assert.deepEqual(registration.shown, [{
    title: "Revision Blue", body: "Published 18:05", tag: "day-5", renotify: true,
    data: { url: "/p/1/my-day", id: 3 }, icon: "/static/icons/callboard.svg",
  }]);
});

test("a push is always shown, even when the page cannot be fetched", async () => {
  const registration = fakeRegistration();
  const fetch = async () => { throw new TypeError("Failed to fetch"); };
  await handlePush(pushData({ title: "Call moved", url: "/p/1/my-day" }),
    { registration, caches: fakeCaches(), fetch, origin: ORIGIN, cacheName: "pages" });
  assert.equal(registration.shown.length, 1);
});

test("a hanging fetch gives up after the timeout and the notification still shows", async () => {
  const registration = fakeRegistration();
  const never = () => new Promise(() => {});
  const setTimer = (callback) => { callback(); return 0; };  // the timeout fires at once
  await handlePush(pushData({ title: "Call moved", url: "/p/1/my-day" }), {
    registration, caches: fakeCaches(), fetch: never, origin: ORIGIN, cacheName: "pages", setTimer,
  });
  assert.equal(registration.shown.length, 1);
});

test("an unreadable or empty push shows a general notification", async () => {
  for (const data of [null, { json: () => { throw new SyntaxError("bad"); } }, pushData({})]) {
    const registration = fakeRegistration();
    await handlePush(data, { registration, origin: ORIGIN });
    assert.equal(registration.shown[0].title, FALLBACK.title);
    assert.equal(registration.shown[0].body, FALLBACK.body);
    assert.equal(registration.shown[0].data.url, "/");
  }
});

test("links to other origins are replaced by the home page", () => {
  assert.equal(safeUrl("https://evil.test/phish", ORIGIN), "/");
  assert.equal(safeUrl("//evil.test/phish", ORIGIN), "/");
  assert.equal(safeUrl("javascript:alert(1)", ORIGIN), "/");
  assert.equal(safeUrl("/p/1/my-day?rev=4#crew", ORIGIN), "/p/1/my-day?rev=4#crew");
  assert.equal(readPush(pushData({ title: "x", url: "https://evil.test/" }), ORIGIN).url, "/");
});

test("a failed response is not cached", async () => {
  const caches = fakeCaches();
  const cached = await prefetch("/p/1/my-day", { fetch: async () => page("oops", false), caches, cacheName: "p" });
  assert.equal(cached, false);
  assert.equal(caches.stored.size, 0);
});

test("the service worker's own cache strategy can store the page", async () => {
  const stored = [];
  await prefetch("/p/1/my-day", { fetch: async () => page("ok"), store: async (url) => stored.push(url) });
  assert.deepEqual(stored, ["/p/1/my-day"]);
});

test("the store can refuse a response it must not keep (a sign-in page after a redirect)", async () => {
  const saved = await prefetch("/p/1/my-day", { fetch: async () => page("sign in"), store: async () => false });
  assert.equal(saved, false);
});

test("a page saved for a push is marked as saved ahead, so the server records no Opened", async () => {
  const seen = [];
  const fetch = async (url, options) => { seen.push(options.headers); return page("ok"); };
  await prefetch("/p/1/revisions/9", { fetch, caches: fakeCaches(), cacheName: "p" });
  assert.deepEqual(seen, [{ "X-Callboard-Prefetch": "1" }]);
});

function fakeClients(windows) {
  const log = [];
  const make = (url) => ({
    url,
    focus: async function () { log.push(`focus ${this.url}`); return this; },
    navigate: async function (to) { log.push(`navigate ${this.url} → ${to}`); this.url = to; return this; },
  });
  const list = windows.map(make);
  return {
    log,
    matchAll: async (options) => { log.push(`matchAll ${options.type}`); return list; },
    openWindow: async (url) => { log.push(`open ${url}`); return make(url); },
  };
}

function fakeNotification(url) {
  return { data: { url }, closed: false, close() { this.closed = true; } };
}

test("a tap focuses the window already showing the page", async () => {
  const clients = fakeClients([`${ORIGIN}/notifications`, `${ORIGIN}/p/1/my-day`]);
  const notification = fakeNotification("/p/1/my-day");
  await handleNotificationClick(notification, { clients, origin: ORIGIN });
  assert.equal(notification.closed, true);
  assert.deepEqual(clients.log, ["matchAll window", `focus ${ORIGIN}/p/1/my-day`]);
});

test("a tap brings another Callboard window to the page", async () => {
  const clients = fakeClients([`${ORIGIN}/notifications`]);
  await handleNotificationClick(fakeNotification("/p/1/my-day"), { clients, origin: ORIGIN });
  assert.deepEqual(clients.log, ["matchAll window", `focus ${ORIGIN}/notifications`,
    `navigate ${ORIGIN}/notifications → ${ORIGIN}/p/1/my-day`]);
});

test("a refused focus still takes the window to the page", async () => {
  const clients = fakeClients([`${ORIGIN}/notifications`]);
  const refusing = (await clients.matchAll({ type: "window" }))[0];
  refusing.focus = async () => { throw new DOMException("Not allowed to focus a window.", "InvalidAccessError"); };
  const client = await handleNotificationClick(fakeNotification("/p/1/my-day"), { clients, origin: ORIGIN });
  assert.equal(client.url, `${ORIGIN}/p/1/my-day`);
  assert.equal(clients.log.at(-1), `navigate ${ORIGIN}/notifications → ${ORIGIN}/p/1/my-day`);
});

test("a window the worker cannot navigate (not controlled) gives way to a new one", async () => {
  const clients = fakeClients([`${ORIGIN}/notifications`]);
  const uncontrolled = (await clients.matchAll({ type: "window" }))[0];
  uncontrolled.navigate = async () => { throw new TypeError("not controlled"); };
  await handleNotificationClick(fakeNotification("/p/1/my-day"), { clients, origin: ORIGIN });
  assert.equal(clients.log.at(-1), `open ${ORIGIN}/p/1/my-day`);
});

test("a tap with no Callboard window open opens the page", async () => {
  const clients = fakeClients(["https://elsewhere.test/"]);
  await handleNotificationClick(fakeNotification("https://evil.test/"), { clients, origin: ORIGIN });
  assert.deepEqual(clients.log, ["matchAll window", `open ${ORIGIN}/`]);
});

test("wirePushHandlers listens for push and notificationclick on the scope", async () => {
  const listeners = {};
  const registration = fakeRegistration();
  const clients = fakeClients([]);
  const scope = {
    registration, clients, caches: fakeCaches(), location: { origin: ORIGIN },
    fetch: async () => page("sheet"),
    addEventListener: (type, listener) => { listeners[type] = listener; },
  };
  wirePushHandlers(scope, { cacheName: "pages" });
  const waits = [];
  listeners.push({ data: pushData({ title: "Call moved", url: "/p/1/my-day" }), waitUntil: (p) => waits.push(p) });
  await Promise.all(waits);
  assert.equal(registration.shown[0].title, "Call moved");
  assert.ok(scope.caches.stored.has("pages /p/1/my-day"));
  listeners.notificationclick({ notification: fakeNotification("/p/1/my-day"), waitUntil: (p) => waits.push(p) });
  await Promise.all(waits);
  assert.deepEqual(clients.log.at(-1), `open ${ORIGIN}/p/1/my-day`);
});

// The opt-in state machine of static/js/push.js lives beside the page, tested here too.
const { pushState, keyBytes } = await import("../../static/js/push.js");

test("the opt-in shows what this device can do", () => {
  const ready = { serviceWorker: true, pushManager: true, notification: true, ios: false, standalone: false };
  assert.equal(pushState({ ...ready, permission: "default", subscribed: false }), "off");
  assert.equal(pushState({ ...ready, permission: "granted", subscribed: true }), "on");
  assert.equal(pushState({ ...ready, permission: "denied", subscribed: false }), "blocked");
  assert.equal(pushState({ ...ready, pushManager: false, permission: "default" }), "unsupported");
  assert.equal(pushState({ ...ready, ios: true, pushManager: false, permission: "default" }), "not-installed");
  assert.equal(pushState({ ...ready, ios: true, standalone: true, permission: "default" }), "off");
});

test("the served key becomes the 65 bytes subscribe() wants", () => {
  const key = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM";
  const bytes = keyBytes(key);
  assert.equal(bytes.length, 65);
  assert.equal(bytes[0], 4);
});
