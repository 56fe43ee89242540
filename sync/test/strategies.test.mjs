import assert from "node:assert/strict";
import test from "node:test";

import { cacheNames } from "../caches.js";
import { FakeCaches, html, immediately, never, scriptedFetch } from "../fakes.mjs";
import {
  OFFLINE_URL, cacheFirst, classify, networkFirst, networkOnly, warmPages,
} from "../strategies.js";

const ORIGIN = "http://localhost";
const names = cacheNames("abc123");
const page = (path, init = {}) => new Request(`${ORIGIN}${path}`, init);
const navigation = (path) => Object.defineProperty(page(path), "mode", { value: "navigate" });

async function withOfflinePage(caches) {
  await (await caches.open(names.static)).put(OFFLINE_URL, html("<main>No signal</main>"));
  return caches;
}

test("navigations are pages, htmx requests fragments, assets static, the rest passes", () => {
  assert.equal(classify(navigation("/p/1/my-day"), ORIGIN), "page");
  assert.equal(classify(page("/p/1/today", { headers: { "HX-Request": "true" } }), ORIGIN), "fragment");
  assert.equal(classify(page("/static/css/callboard.css?v=1"), ORIGIN), "static");
  assert.equal(classify(page("/sw/outbox.js"), ORIGIN), "static");
  assert.equal(classify(page("/api/sync", { method: "POST" }), ORIGIN), "pass");
  assert.equal(classify(new Request("https://maps.example/x"), ORIGIN), "pass");
  assert.equal(classify(page("/p/1/calendar.ics"), ORIGIN), "pass");
});

test("online, a page comes from the network and is saved with the time it was saved", async () => {
  const caches = new FakeCaches();
  const fetch = scriptedFetch(html("<main>Blue</main>"));
  const response = await networkFirst(navigation("/p/1/my-day"), {
    fetch, caches, names, now: () => new Date("2026-11-26T06:12:00Z"), setTimer: never,
  });
  assert.equal(await response.text(), "<main>Blue</main>");
  const saved = await (await caches.open(names.pages)).match(`${ORIGIN}/p/1/my-day`);
  assert.equal(saved.headers.get("X-Callboard-Saved-At"), "2026-11-26T06:12:00.000Z");
  assert.ok(await (await caches.open(names.pages)).match(`${ORIGIN}/`), "My day also answers the start URL");
});

test("when the network is slower than the timeout the saved copy answers, marked as saved", async () => {
  const caches = new FakeCaches();
  const now = () => new Date("2026-11-26T06:12:00Z");
  await networkFirst(navigation("/p/1/my-day"), { fetch: scriptedFetch(html("<main class=day>White</main>")), caches, names, now, setTimer: never });
  const hanging = scriptedFetch(() => new Promise(() => {}));
  const response = await networkFirst(navigation("/p/1/my-day"), { fetch: hanging, caches, names, setTimer: immediately });
  assert.equal(await response.text(), '<main data-served-from-cache="2026-11-26T06:12:00.000Z" class=day>White</main>');
});

test("with no signal and no saved copy the offline page answers", async () => {
  const caches = await withOfflinePage(new FakeCaches());
  const response = await networkFirst(navigation("/p/1/revisions/4"), {
    fetch: scriptedFetch(new TypeError("Failed to fetch")), caches, names, setTimer: never,
  });
  assert.equal(await response.text(), "<main>No signal</main>");
});

test("without even the offline page a plain 503 answers", async () => {
  const response = await networkFirst(navigation("/x"), {
    fetch: scriptedFetch(new TypeError("offline")), caches: new FakeCaches(), names, setTimer: never,
  });
  assert.equal(response.status, 503);
});

test("a slow network with nothing saved is waited for rather than given up", async () => {
  const caches = await withOfflinePage(new FakeCaches());
  const slow = scriptedFetch(() => new Promise((resolve) => setTimeout(() => resolve(html("<main>late</main>")), 5)));
  const response = await networkFirst(navigation("/p/1/my-day"), { fetch: slow, caches, names, setTimer: immediately });
  assert.equal(await response.text(), "<main>late</main>");
});

test("a server error falls back to the saved copy", async () => {
  const caches = new FakeCaches();
  await networkFirst(navigation("/p/1/my-day"), { fetch: scriptedFetch(html("<main>ok</main>")), caches, names, setTimer: never });
  const response = await networkFirst(navigation("/p/1/my-day"), {
    fetch: scriptedFetch(html("Bad gateway", { status: 502 })), caches, names, setTimer: never,
  });
  assert.match(await response.text(), /data-served-from-cache/);
});

test("redirects (to sign-in) and no-store pages are never saved", async () => {
  const caches = new FakeCaches();
  for (const answer of [() => html("<main>Sign in</main>", { redirected: true }),
    () => html("<main>login</main>", { headers: { "Cache-Control": "no-store" } })]) {
    await networkFirst(navigation("/p/1/my-day"), { fetch: scriptedFetch(answer), caches, names, setTimer: never });
  }
  assert.deepEqual((await caches.open(names.pages)).keys(), []);
});

test("htmx fragments go to the network only and are never saved", async () => {
  const caches = new FakeCaches();
  const request = page("/p/1/today", { headers: { "HX-Request": "true" } });
  const response = await networkOnly(request, { fetch: scriptedFetch(html("<section>board</section>")), caches, names });
  assert.equal(await response.text(), "<section>board</section>");
  assert.deepEqual(await caches.keys(), []);
  const offline = await networkOnly(request, { fetch: scriptedFetch(new TypeError("offline")) });
  assert.equal(offline.status, 503);
});

test("a saved page never answers an htmx request for the same URL", async () => {
  const caches = new FakeCaches();
  await networkFirst(navigation("/p/1/today"), { fetch: scriptedFetch(html("<main>page</main>")), caches, names, setTimer: never });
  const fragment = page("/p/1/today", { headers: { "HX-Request": "true" } });
  assert.equal(classify(fragment, ORIGIN), "fragment");
  const response = await networkOnly(fragment, { fetch: scriptedFetch(new TypeError("offline")) });
  assert.equal(await response.text(), "");
});

test("static assets come from the cache first and are stored on a miss", async () => {
  const caches = new FakeCaches();
  const fetch = scriptedFetch(new Response("body{}", { headers: { "Content-Type": "text/css" } }));
  const request = page("/static/css/callboard.css?v=2");
  assert.equal(await (await cacheFirst(request, { fetch, caches, names })).text(), "body{}");
  assert.equal(await (await cacheFirst(request, { fetch, caches, names })).text(), "body{}");
  assert.equal(fetch.calls.length, 1);
});

test("offline, an older saved page still gets the previous version of an asset", async () => {
  const caches = new FakeCaches();
  await (await caches.open(names.static)).put(`${ORIGIN}/static/css/callboard.css?v=1`, new Response("old{}"));
  const response = await cacheFirst(page("/static/css/callboard.css?v=2"), {
    fetch: scriptedFetch(new TypeError("offline")), caches, names,
  });
  assert.equal(await response.text(), "old{}");
});

test("warming saves the pages a phone should have before it loses signal", async () => {
  const caches = new FakeCaches();
  const fetch = scriptedFetch((url) => html(`<main>${url}</main>`));
  const saved = await warmPages(["/p/1/my-day", "/p/1/revisions/9"], { fetch, caches, names });
  assert.equal(saved, 2);
  assert.deepEqual(fetch.calls.map((call) => call.init.headers), [{ "X-Callboard-Prefetch": "1" }, { "X-Callboard-Prefetch": "1" }]);
  const cache = await caches.open(names.pages);
  assert.equal(await (await cache.match("/p/1/revisions/9")).text(), "<main>/p/1/revisions/9</main>");
  assert.equal(await warmPages(["/p/1/my-day"], { fetch: scriptedFetch(new TypeError("x")), caches, names }), 0);
});
