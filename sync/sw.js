// Callboard service worker (an ES module worker): wires events to the small modules in /sw/.
import { PRECACHE, VERSION } from "/sw/assets.js";
import { cacheNames, clearAll, precache, removeOldCaches } from "/sw/caches.js";
import { keepFromPage, savedDocument } from "/sw/documents.js";
import { CHANNEL, SYNC_TAG, createOutbox } from "/sw/outbox.js";
import { wirePushHandlers } from "/sw/push-handler.js";
import { idbStore } from "/sw/store.js";
import { cacheFirst, classify, isSavablePage, networkFirst, networkOnly, savePage, warmPages } from "/sw/strategies.js";

const names = cacheNames(VERSION);
const network = (...args) => fetch(...args);
const outbox = createOutbox({
  store: idbStore(indexedDB), fetch: network, channel: new BroadcastChannel(CHANNEL),
  locks: self.navigator.locks ?? null,
});
const context = (event) => ({ fetch: network, caches, names, waitUntil: (p) => event.waitUntil(p) });
const HANDLERS = { page: networkFirst, static: cacheFirst, fragment: networkOnly, document: savedDocument };

// push: cache the page it opens (a real page, not a lapsed session's sign-in), always show it.
const savePushed = async (url, response) => {
  if (!isSavablePage(response)) return false;
  await savePage(caches, names.pages, new URL(url, self.location.origin).href, response, new Date());
  return true;
};
wirePushHandlers(self, { cacheName: names.pages, store: savePushed });

const keep = (_url, html) => keepFromPage(html, { fetch: network, caches, names, origin: self.location.origin });
const warm = (urls) => warmPages(urls, { fetch: network, caches, names, onPage: keep });  // My day keeps its papers

async function syncOutbox() {
  const outcome = await outbox.flush();
  await warm(outcome.urls);
  // Background Sync retries later when the flush did not reach the server.
  if (outcome.error === "offline" || outcome.error?.startsWith("http_5")) throw new Error(outcome.error);
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache(caches, names, PRECACHE));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(removeOldCaches(caches, names).then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const handler = HANDLERS[classify(event.request, self.location.origin)];
  if (handler) event.respondWith(handler(event.request, context(event)));
});

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(syncOutbox());
});

self.addEventListener("message", (event) => {
  const { type, urls } = event.data || {};
  if (type === "skip-waiting") self.skipWaiting();
  else if (type === "flush") event.waitUntil(syncOutbox().catch(() => undefined));
  else if (type === "warm") event.waitUntil(warm(urls || []));
  else if (type === "clear") event.waitUntil(Promise.all([clearAll(caches), outbox.clear()]));
});
