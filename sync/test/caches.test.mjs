import assert from "node:assert/strict";
import test from "node:test";

import { cacheNames, clearAll, precache, removeOldCaches } from "../caches.js";
import { FakeCaches, scriptedFetch } from "../fakes.mjs";

test("cache names carry the asset version; saved pages and documents outlive a deploy", () => {
  assert.deepEqual(cacheNames("v1"), {
    static: "callboard-static-v1", pages: "callboard-pages-1", documents: "callboard-documents-1",
  });
  assert.equal(cacheNames("v2").pages, cacheNames("v1").pages);
  assert.equal(cacheNames("v2").documents, cacheNames("v1").documents);
});

test("install stores every precached URL", async () => {
  const fetch = scriptedFetch((url) => new Response(`asset ${url}`));
  const caches = new FakeCaches(fetch);
  await precache(caches, cacheNames("v1"), ["/offline", "/static/js/htmx-2.0.11.min.js?v=9"]);
  const cache = await caches.open("callboard-static-v1");
  assert.equal(await (await cache.match("/offline")).text(), "asset /offline");
  assert.equal(cache.keys().length, 2);
});

test("a failed precache fails the install", async () => {
  const caches = new FakeCaches(scriptedFetch(new Response("", { status: 404 })));
  await assert.rejects(precache(caches, cacheNames("v1"), ["/missing"]));
});

test("activate deletes the caches of other versions and nobody else's", async () => {
  const caches = new FakeCaches();
  for (const name of ["callboard-static-v1", "callboard-static-v2", "callboard-pages-1", "callboard-documents-1",
    "other-app"]) {
    await caches.open(name);
  }
  const removed = await removeOldCaches(caches, cacheNames("v2"));
  assert.deepEqual(removed, ["callboard-static-v1"]);
  assert.deepEqual(await caches.keys(), ["callboard-static-v2", "callboard-pages-1", "callboard-documents-1",
    "other-app"]);
});

test("signing out clears every Callboard cache, the documents kept on the phone too", async () => {
  const caches = new FakeCaches();
  await caches.open("callboard-pages-1");
  await caches.open("callboard-documents-1");
  await caches.open("other-app");
  await clearAll(caches);
  assert.deepEqual(await caches.keys(), ["other-app"]);
});
