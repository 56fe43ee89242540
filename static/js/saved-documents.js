// Documents on this phone: keep My day's "needed on location" papers (sync/documents.js), and
// show wherever a document is listed whether it opens here with no signal.
import { cacheNames } from "/sw/caches.js";
import { keepDocuments, savedUrls, stateText } from "/sw/documents.js";

const names = cacheNames("");
const stopper = new AbortController();
let saving = Promise.resolve();

const absolute = (path) => new URL(path, location.origin).href;

function show(url, state) {
  for (const item of document.querySelectorAll("[data-doc-url]")) {
    const slot = item.querySelector("[data-offline-state]");
    if (slot && absolute(item.dataset.docUrl) === url) {
      slot.textContent = stateText(state);
      slot.dataset.offlineState = state;
    }
  }
}

// Mark every listed document saved on this phone (and, on a page answered offline, the others).
export async function markSaved() {
  if (!("caches" in self) || !document.querySelector("[data-doc-url]")) return;
  const saved = await savedUrls(caches, names);
  const offline = document.querySelector("main")?.dataset.servedFromCache !== undefined;
  for (const item of document.querySelectorAll("[data-doc-url]")) {
    const url = absolute(item.dataset.docUrl);
    if (saved.has(url)) show(url, "saved");
    else if (offline) show(url, "missing");
  }
}

async function keepNeeded(section) {
  const documents = [...section.querySelectorAll("[data-keep][data-doc-url]")]
    .map((item) => ({ url: item.dataset.docUrl, size: Number(item.dataset.size) }));
  await keepDocuments(
    { productionId: section.dataset.productionId, documents, budget: Number(section.dataset.budget) },
    { fetch: (...args) => fetch(...args), caches, names, origin: location.origin, onState: show, signal: stopper.signal },
  );
}

// Sign-out: stop saving, and wait for a half-saved file to be dropped before caches are cleared.
export async function stopSavingDocuments() {
  stopper.abort();
  await saving;
}

export function startSavedDocuments() {
  if (!("caches" in self)) return Promise.resolve();
  const section = document.querySelector("[data-keep-documents]");
  saving = markSaved().then(() => section && keepNeeded(section)).catch(() => undefined);
  document.addEventListener("htmx:afterSettle", () => markSaved().catch(() => undefined));
  return saving;
}
