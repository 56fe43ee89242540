// The service worker's push and notificationclick handlers. Everything that belongs to
// `self` (registration, clients, caches, fetch, origin) is passed in, so this module is
// tested with `node --test` and wired by the service-worker entry:
//
//   import { wirePushHandlers } from "./push-handler.js";
//   wirePushHandlers(self, { cacheName: PAGES_CACHE });

export const FALLBACK = Object.freeze({
  title: "Callboard",
  body: "Something changed. Open Callboard for the latest call sheet.",
  url: "/",
  tag: "callboard",
});
const PREFETCH_TIMEOUT_MS = 4000;
// Saving the page a push links to is not reading it: the server records no "Opened"
// (the same header as strategies.js PREFETCH_HEADERS, kept here so this module stands alone).
export const PUSH_PREFETCH_HEADERS = Object.freeze({ "X-Callboard-Prefetch": "1" });

function text(value) {
  return typeof value === "string" ? value : "";
}

// Keep a notification's link on our own origin, whatever the payload says.
export function safeUrl(url, origin) {
  try {
    const parsed = new URL(text(url) || "/", origin);
    return parsed.origin === origin ? parsed.pathname + parsed.search + parsed.hash : "/";
  } catch {
    return "/";
  }
}

// Read the JSON the server sent; a payload we cannot read still becomes a notification.
export function readPush(data, origin) {
  let message = {};
  try {
    message = (data && data.json()) || {};
  } catch {
    message = {};
  }
  const title = text(message.title);
  return {
    id: message.id ?? null,
    title: title || FALLBACK.title,
    body: title ? text(message.body) : FALLBACK.body,
    url: safeUrl(message.url, origin),
    tag: text(message.tag) || FALLBACK.tag,
  };
}

function withTimeout(promise, ms, setTimer) {
  return new Promise((resolve, reject) => {
    const timer = setTimer(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); },
    );
  });
}

// Fetch the page the notification opens into the cache, so a tap works with no signal.
// `store(url, response)` may refuse a response (a sign-in page after a redirect): false.
export async function prefetch(url, { fetch, caches, cacheName, store, timeoutMs = PREFETCH_TIMEOUT_MS,
  setTimer = setTimeout }) {
  try {
    const response = await withTimeout(fetch(url, {
      credentials: "include", cache: "no-store", headers: { ...PUSH_PREFETCH_HEADERS },
    }), timeoutMs, setTimer);
    if (!response || !response.ok) return false;
    if (store) {
      return (await store(url, response)) !== false;
    } else {
      const cache = await caches.open(cacheName);
      await cache.put(url, response);
    }
    return true;
  } catch {
    return false; // weak signal: show the notification anyway
  }
}

// Always show a notification (iOS revokes the permission otherwise), after caching its page.
export async function handlePush(data, deps) {
  const message = readPush(data, deps.origin);
  if (message.url !== "/" && (deps.store || deps.caches)) {
    await prefetch(message.url, deps);
  }
  await deps.registration.showNotification(message.title, {
    body: message.body,
    tag: message.tag,
    renotify: message.tag !== FALLBACK.tag,
    data: { url: message.url, id: message.id },
    icon: deps.icon || "/static/icons/callboard.svg",
  });
  return message;
}

async function attempt(action) {
  try {
    return (await action()) || null;
  } catch {
    return null;
  }
}

// Focus the window already showing the page, else take any Callboard window there, else
// open one. A refused focus() (the browser decides) never stops the window reaching the page.
export async function handleNotificationClick(notification, { clients, origin }) {
  notification.close();
  const target = new URL(safeUrl(notification.data && notification.data.url, origin), origin).href;
  const windows = await clients.matchAll({ type: "window", includeUncontrolled: true });
  const showing = windows.find((client) => client.url === target);
  if (showing) return (await attempt(() => showing.focus())) || showing;
  const ours = windows.find((client) => new URL(client.url).origin === origin);
  if (ours) {
    const focused = await attempt(() => ours.focus());
    // navigate() works only on a window this worker controls; otherwise open a new one.
    const moved = typeof ours.navigate === "function" ? await attempt(() => ours.navigate(target)) : null;
    if (moved) return moved;
    if (focused && typeof ours.navigate !== "function") return focused;
  }
  return clients.openWindow(target);
}

// Wire both handlers on a service-worker global scope.
export function wirePushHandlers(scope, { cacheName, store, icon } = {}) {
  const deps = () => ({
    registration: scope.registration,
    caches: scope.caches,
    fetch: scope.fetch.bind(scope),
    origin: scope.location.origin,
    cacheName,
    store,
    icon,
  });
  scope.addEventListener("push", (event) => {
    event.waitUntil(handlePush(event.data, deps()));
  });
  scope.addEventListener("notificationclick", (event) => {
    event.waitUntil(handleNotificationClick(event.notification, {
      clients: scope.clients, origin: scope.location.origin,
    }));
  });
}
