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
export async function prefetch(url, { fetch, caches, cacheName, store, timeoutMs = PREFETCH_TIMEOUT_MS,
  setTimer = setTimeout }) {
  try {
    const response = await withTimeout(fetch(url, { credentials: "include", cache: "no-store" }),
      timeoutMs, setTimer);
    if (!response || !response.ok) return false;
    if (store) {
      await store(url, response);
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

// Focus the window already showing the page, else any Callboard window, else open one.
export async function handleNotificationClick(notification, { clients, origin }) {
  notification.close();
  const target = new URL(safeUrl(notification.data && notification.data.url, origin), origin).href;
  const windows = await clients.matchAll({ type: "window", includeUncontrolled: true });
  const showing = windows.find((client) => client.url === target);
  if (showing) return showing.focus();
  const ours = windows.find((client) => new URL(client.url).origin === origin);
  if (ours) {
    const focused = await ours.focus();
    if (typeof ours.navigate === "function") {
      return (await ours.navigate(target)) || focused;
    }
    return focused;
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
