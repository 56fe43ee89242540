// Documents kept on this phone: the "needed on location" papers of the person's next calls,
// which My day lists. They are saved within a byte budget, soonest call first, dropped when
// My day no longer lists them (and at sign-out with every cache), and answered from the cache
// when a document link is opened, so they open with no signal.
import { DOCUMENT_PATH, offlinePage } from "./strategies.js";

const STATE_TEXT = {
  saved: "Saved on this phone",
  saving: "Saving to this phone…",
  over: "Too large to keep on this phone",
  failed: "Not saved yet — needs signal",
  missing: "Not on this phone — needs signal",
};

export function stateText(state) {
  return STATE_TEXT[state] ?? "";
}

// Which documents fit: in the order given (soonest call first), each that still fits the budget.
export function planKeep(documents, budget) {
  const keep = [];
  const over = [];
  let left = Number.isFinite(budget) ? budget : 0;
  for (const doc of documents) {
    if (Number.isFinite(doc.size) && doc.size >= 0 && doc.size <= left) {
      keep.push(doc);
      left -= doc.size;
    } else {
      over.push(doc);
    }
  }
  return { keep, over };
}

// A file worth keeping: the document itself, not a sign-in page or an error.
export function isKeepable(response) {
  return Boolean(response) && response.status === 200 && !response.redirected
    && ["basic", "default"].includes(response.type)
    && !(response.headers.get("Content-Type") || "").startsWith("text/html");
}

const urlOf = (request) => (typeof request === "string" ? request : request.url);

export async function savedUrls(caches, names) {
  const cache = await caches.open(names.documents);
  return new Set((await cache.keys()).map(urlOf));
}

async function saveOne(cache, url, { fetch, signal }) {
  try {
    const response = await fetch(url, { credentials: "same-origin", signal });
    if (!isKeepable(response) || signal?.aborted) return "failed";
    await cache.put(url, response);
    return "saved";
  } catch {
    return "failed";  // no signal, or aborted at sign-out: nothing half-stored
  }
}

// Keep exactly these documents of one production: drop the others, then save the missing ones.
export async function keepDocuments({ productionId, documents, budget }, {
  fetch, caches, names, origin, onState = () => {}, signal = undefined,
}) {
  const cache = await caches.open(names.documents);
  const wanted = documents.map((doc) => ({ ...doc, url: new URL(doc.url, origin).href }));
  const { keep, over } = planKeep(wanted, budget);
  const keeping = new Set(keep.map((doc) => doc.url));
  for (const request of await cache.keys()) {
    const url = new URL(urlOf(request));
    const production = DOCUMENT_PATH.exec(url.pathname)?.[1];
    if (production === String(productionId) && !keeping.has(url.href)) await cache.delete(request);
  }
  const states = {};
  const report = (url, state) => {
    states[url] = state;
    onState(url, state);
  };
  for (const doc of over) report(doc.url, "over");
  for (const doc of keep) {
    if (signal?.aborted) break;
    if (await cache.match(doc.url, { ignoreVary: true })) {
      report(doc.url, "saved");
      continue;
    }
    report(doc.url, "saving");
    report(doc.url, await saveOne(cache, doc.url, { fetch, signal }));
  }
  return states;
}

const ENTITIES = { "&amp;": "&", "&quot;": '"', "&#39;": "'", "&#x27;": "'", "&lt;": "<", "&gt;": ">" };
const attribute = (tag, name) => {
  const found = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return found && found[1].replace(/&(amp|quot|#39|#x27|lt|gt);/g, (entity) => ENTITIES[entity]);
};

// The keep list of a My day page the service worker saved in the background (no page script
// runs then): the same data-* attributes saved-documents.js reads; null on any other page.
export function keepListFromPage(html) {
  const section = /<section\b[^>]*\sdata-keep-documents\b[^>]*>/.exec(html);
  if (!section) return null;
  const rest = html.slice(section.index);
  const end = rest.indexOf("</section>");
  const items = (end < 0 ? rest : rest.slice(0, end)).match(/<li\b[^>]*>/g) || [];
  const documents = items.filter((tag) => /\sdata-keep[\s>]/.test(tag) && attribute(tag, "data-doc-url"))
    .map((tag) => ({ url: attribute(tag, "data-doc-url"), size: Number(attribute(tag, "data-size")) }));
  return { productionId: attribute(section[0], "data-production-id"),
    budget: Number(attribute(section[0], "data-budget")), documents };
}

// After a background refresh of My day: keep what it lists now, as the page itself would.
export async function keepFromPage(html, deps) {
  const list = keepListFromPage(html);
  return list && list.productionId ? keepDocuments(list, deps) : null;
}

// Fetch handler for document files: the copy kept on this phone first (a version never
// changes), else the network; with no signal, a kept copy of the same file opened another way.
export async function savedDocument(request, { fetch, caches, names }) {
  const cache = await caches.open(names.documents);
  const kept = await cache.match(request, { ignoreVary: true });
  if (kept) return kept;
  try {
    return await fetch(request);
  } catch (error) {
    const sameFile = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
    if (sameFile) return sameFile;  // e.g. "?attachment=1": it opens instead of downloading
    if (request.mode === "navigate") return offlinePage(caches, names);
    throw error;
  }
}
