// Fetch strategies with `fetch` and `caches` passed in, so they run under node --test.
export const NAVIGATION_TIMEOUT_MS = 3500;
export const OFFLINE_URL = "/offline";
export const SAVED_AT = "X-Callboard-Saved-At";
// A document version's file: immutable (a new upload is a new version number), kept by documents.js.
export const DOCUMENT_PATH = /^\/p\/(\d+)\/documents\/\d+\/versions\/\d+\/download$/;
// A saved My day also answers "/" (the start URL, which redirects to it when online).
const START_PAGE = /^\/p\/\d+\/my-day$/;

export function classify(request, origin) {
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== origin) return "pass";
  if (request.headers.get("HX-Request")) return "fragment";
  if (DOCUMENT_PATH.test(url.pathname)) return "document";
  if (request.mode === "navigate") return url.pathname.startsWith("/api/") ? "pass" : "page";
  const path = url.pathname;
  if (path.startsWith("/static/") || path.startsWith("/sw/") || path === "/manifest.webmanifest") return "static";
  return "pass";
}

export function isSavablePage(response) {
  return Boolean(response) && response.status === 200 && ["basic", "default"].includes(response.type) && !response.redirected
    && (response.headers.get("Content-Type") || "").includes("text/html")
    && !(response.headers.get("Cache-Control") || "").includes("no-store");
}

export async function savePage(caches, name, url, response, savedAt) {
  const headers = new Headers(response.headers);
  headers.set(SAVED_AT, savedAt.toISOString());
  headers.delete("Content-Length");  // the stored body is already decoded
  headers.delete("Content-Encoding");
  const body = await response.arrayBuffer();
  const cache = await caches.open(name);
  await cache.put(url, new Response(body, { status: 200, headers }));
  const absolute = /^https?:/.test(url);
  const { origin, pathname } = new URL(url, "http://relative.invalid");
  if (START_PAGE.test(pathname)) {
    await cache.put(absolute ? `${origin}/` : "/", new Response(body, { status: 200, headers }));
  }
}

export async function markFromCache(response) {
  const savedAt = (response.headers.get(SAVED_AT) || "").replace(/[^0-9TZ:.+-]/g, "");
  const html = (await response.text()).replace(/<main\b/, `<main data-served-from-cache="${savedAt}"`);
  return new Response(html, { status: 200, headers: response.headers });
}

export async function savedPage(caches, name, url) {
  const cache = await caches.open(name);
  const hit = await cache.match(url);
  return hit ? markFromCache(hit) : null;
}

export async function offlinePage(caches, names) {
  const cache = await caches.open(names.static);
  const page = await cache.match(OFFLINE_URL);
  return page || new Response("No signal, and this page is not saved on this phone.", {
    status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

function timer(ms, setTimer) {
  return new Promise((resolve) => setTimer(() => resolve("timeout"), ms));
}

export async function networkFirst(request, {
  fetch, caches, names, now = () => new Date(), waitUntil = () => {},
  timeoutMs = NAVIGATION_TIMEOUT_MS, setTimer = setTimeout,
}) {
  const network = fetch(request).then(async (response) => {
    if (isSavablePage(response)) await savePage(caches, names.pages, request.url, response.clone(), now());
    return response.status >= 500 ? null : response;
  }).catch(() => null);
  waitUntil(network);  // a slow answer still refreshes the saved copy
  const first = await Promise.race([network, timer(timeoutMs, setTimer)]);
  if (first && first !== "timeout") return first;
  const saved = await savedPage(caches, names.pages, request.url);
  if (saved) return saved;
  const late = first === "timeout" ? await network : null;
  return late || offlinePage(caches, names);
}

export async function cacheFirst(request, { fetch, caches, names }) {
  const cache = await caches.open(names.static);
  const hit = await cache.match(request);
  if (hit) return hit;
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    // Offline with an older saved page: its asset URLs carry an older hash.
    const older = await cache.match(request, { ignoreSearch: true });
    if (older) return older;
    throw error;
  }
}

export async function networkOnly(request, { fetch }) {
  try {
    return await fetch(request);
  } catch {
    return new Response("", { status: 503, statusText: "Offline" });
  }
}

// A page saved ahead of time is not a page read: the server records no "Opened" for it.
export const PREFETCH_HEADERS = { "X-Callboard-Prefetch": "1" };

// onPage(url, html): told of each page saved, e.g. to keep the documents a My day lists.
export async function warmPages(urls, { fetch, caches, names, now = () => new Date(), onPage = null }) {
  let saved = 0;
  for (const url of urls) {
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: PREFETCH_HEADERS });
      if (isSavablePage(response)) {
        const copy = onPage && response.clone();
        await savePage(caches, names.pages, response.url || url, response, now());
        saved += 1;
        if (copy) await onPage(response.url || url, await copy.text());
      }
    } catch {
      // no signal: the next flush tries again
    }
  }
  return saved;
}
