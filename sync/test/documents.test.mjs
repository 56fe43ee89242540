import assert from "node:assert/strict";
import test from "node:test";

import { cacheNames } from "../caches.js";
import {
  isKeepable, keepDocuments, keepFromPage, keepListFromPage, planKeep, savedDocument, savedUrls, stateText,
} from "../documents.js";
import { FakeCaches, html, scriptedFetch } from "../fakes.mjs";
import { OFFLINE_URL, classify, warmPages } from "../strategies.js";

const ORIGIN = "http://localhost";
const names = cacheNames("abc123");
const PERMIT = "/p/1/documents/7/versions/2/download";
const MAP = "/p/1/documents/8/versions/1/download";
const OTHER_PRODUCTION = "/p/2/documents/9/versions/1/download";
const PDF_BYTES = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0x0a, 0xff]);

const pdf = (bytes = PDF_BYTES) => new Response(bytes, {
  headers: { "Content-Type": "application/pdf", "Content-Disposition": 'inline; filename="permit.pdf"' },
});
const request = (path, init = {}) => new Request(`${ORIGIN}${path}`, init);
const navigation = (path) => Object.defineProperty(request(path), "mode", { value: "navigate" });
const offline = () => scriptedFetch(new TypeError("Failed to fetch"));

async function keep(documents, { fetch, caches = new FakeCaches(), budget = 1000, productionId = 1, signal } = {}) {
  const seen = [];
  const states = await keepDocuments({ productionId, documents, budget }, {
    fetch, caches, names, origin: ORIGIN, signal, onState: (url, state) => seen.push([new URL(url).pathname, state]),
  });
  return { caches, states, seen };
}

async function kept(caches) {
  return [...(await savedUrls(caches, names))].map((url) => new URL(url).pathname).sort();
}

test("document files are their own kind of request, opened by a tap or fetched", () => {
  assert.equal(classify(navigation(PERMIT), ORIGIN), "document");
  assert.equal(classify(request(PERMIT), ORIGIN), "document");
  assert.equal(classify(navigation(`${PERMIT}?attachment=1`), ORIGIN), "document");
  assert.equal(classify(navigation("/p/1/documents/7"), ORIGIN), "page");
  assert.equal(classify(request(PERMIT, { method: "POST" }), ORIGIN), "pass");
});

test("documents are kept soonest call first while they fit the budget", () => {
  const docs = [{ url: "a", size: 600 }, { url: "b", size: 500 }, { url: "c", size: 400 }, { url: "d", size: 1 }];
  const { keep: keeping, over } = planKeep(docs, 1000);
  assert.deepEqual(keeping.map((d) => d.url), ["a", "c"]);
  assert.deepEqual(over.map((d) => d.url), ["b", "d"]);
  assert.deepEqual(planKeep(docs, 1001).keep.map((d) => d.url), ["a", "c", "d"]);
  assert.deepEqual(planKeep([{ url: "x", size: Number.NaN }], 1000).over.map((d) => d.url), ["x"]);
  assert.deepEqual(planKeep(docs, undefined).keep, []);
});

test("needed documents are saved with their bytes and headers, and each reports its state", async () => {
  const fetch = scriptedFetch(() => pdf());
  const { caches, states, seen } = await keep([{ url: PERMIT, size: 10 }], { fetch });
  const saved = await (await caches.open(names.documents)).match(`${ORIGIN}${PERMIT}`);
  assert.deepEqual(new Uint8Array(await saved.arrayBuffer()), PDF_BYTES);
  assert.equal(saved.headers.get("Content-Type"), "application/pdf");
  assert.equal(saved.headers.get("Content-Disposition"), 'inline; filename="permit.pdf"');
  assert.deepEqual(seen, [[PERMIT, "saving"], [PERMIT, "saved"]]);
  assert.deepEqual(Object.values(states), ["saved"]);
  assert.equal(fetch.calls[0].init.credentials, "same-origin");
});

test("a document already on the phone is not downloaded again", async () => {
  const caches = new FakeCaches();
  await keep([{ url: PERMIT, size: 10 }], { fetch: scriptedFetch(() => pdf()), caches });
  const again = scriptedFetch(() => pdf());
  const { seen } = await keep([{ url: PERMIT, size: 10 }], { fetch: again, caches });
  assert.equal(again.calls.length, 0);
  assert.deepEqual(seen, [[PERMIT, "saved"]]);
});

test("documents no longer needed leave the phone; other productions' stay", async () => {
  const caches = new FakeCaches();
  const fetch = scriptedFetch(() => pdf());
  await keep([{ url: PERMIT, size: 10 }, { url: MAP, size: 10 }], { fetch, caches });
  await keep([{ url: OTHER_PRODUCTION, size: 10 }], { fetch, caches, productionId: 2 });
  assert.deepEqual(await kept(caches), [PERMIT, MAP, OTHER_PRODUCTION].sort());
  await keep([{ url: MAP, size: 10 }], { fetch, caches });
  assert.deepEqual(await kept(caches), [MAP, OTHER_PRODUCTION].sort());
  await keep([], { fetch, caches });
  assert.deepEqual(await kept(caches), [OTHER_PRODUCTION]);
});

test("a document over the budget is not saved, and a saved one that no longer fits is dropped", async () => {
  const caches = new FakeCaches();
  const fetch = scriptedFetch(() => pdf());
  await keep([{ url: PERMIT, size: 10 }], { fetch, caches });
  const { seen } = await keep([{ url: MAP, size: 900 }, { url: PERMIT, size: 200 }], { fetch, caches });
  assert.deepEqual(seen, [[PERMIT, "over"], [MAP, "saving"], [MAP, "saved"]]);
  assert.deepEqual(await kept(caches), [MAP]);
});

test("sign-in pages, errors and redirects are never kept as documents", async () => {
  const redirected = () => Object.defineProperty(pdf(), "redirected", { value: true });
  for (const answer of [html("<form>Sign in</form>"), new Response("", { status: 404 }), redirected]) {
    const { caches, states } = await keep([{ url: PERMIT, size: 10 }], { fetch: scriptedFetch(answer) });
    assert.deepEqual(Object.values(states), ["failed"]);
    assert.deepEqual(await kept(caches), []);
  }
  assert.equal(isKeepable(pdf()), true);
  assert.equal(isKeepable(undefined), false);
});

test("with no signal nothing is saved and the document says it needs signal", async () => {
  const { caches, states } = await keep([{ url: PERMIT, size: 10 }], { fetch: offline() });
  assert.deepEqual(Object.values(states), ["failed"]);
  assert.equal(stateText("failed"), "Not saved yet — needs signal");
  assert.deepEqual(await kept(caches), []);
});

test("once sign-out begins nothing more is saved", async () => {
  const stop = new AbortController();
  const fetch = scriptedFetch(() => {
    stop.abort();  // sign-out while the first file downloads
    return pdf();
  });
  const { caches } = await keep([{ url: PERMIT, size: 10 }, { url: MAP, size: 10 }], { fetch, signal: stop.signal });
  assert.equal(fetch.calls.length, 1);
  assert.deepEqual(await kept(caches), []);
});

test("a kept document opens from the phone without asking the network", async () => {
  const caches = new FakeCaches();
  await keep([{ url: PERMIT, size: 10 }], { fetch: scriptedFetch(() => pdf()), caches });
  const network = offline();
  const response = await savedDocument(navigation(PERMIT), { fetch: network, caches, names });
  assert.equal(network.calls.length, 0);
  assert.equal(response.headers.get("Content-Type"), "application/pdf");
  assert.deepEqual(new Uint8Array(await response.arrayBuffer()), PDF_BYTES);
});

test("a document not kept comes from the network, and is not kept for it", async () => {
  const caches = new FakeCaches();
  const response = await savedDocument(navigation(MAP), { fetch: scriptedFetch(() => pdf()), caches, names });
  assert.equal(response.headers.get("Content-Type"), "application/pdf");
  assert.deepEqual(await kept(caches), []);
});

test("with no signal a kept file also answers its download link; anything else gets the offline page", async () => {
  const caches = new FakeCaches();
  await (await caches.open(names.static)).put(OFFLINE_URL, html("<main>No signal</main>"));
  await keep([{ url: PERMIT, size: 10 }], { fetch: scriptedFetch(() => pdf()), caches });
  const download = await savedDocument(navigation(`${PERMIT}?attachment=1`), { fetch: offline(), caches, names });
  assert.equal(download.headers.get("Content-Type"), "application/pdf");
  const missing = await savedDocument(navigation(MAP), { fetch: offline(), caches, names });
  assert.equal(await missing.text(), "<main>No signal</main>");
  await assert.rejects(savedDocument(request(MAP), { fetch: offline(), caches, names }));
});

test("each state reads as a person understands it", () => {
  assert.equal(stateText("saved"), "Saved on this phone");
  assert.equal(stateText("over"), "Too large to keep on this phone");
  assert.equal(stateText("missing"), "Not on this phone — needs signal");
  assert.equal(stateText("unknown"), "");
});

const MY_DAY = `<main><section class="day-documents"><ul><li data-doc-url="${MAP}"><a href="${MAP}">Map</a></li></ul></section>
<section class="card my needed" data-keep-documents data-production-id="1" data-budget="1000">
<h2>Needed on location</h2><ul class="list">
<li data-doc-url="${PERMIT}?a=1&amp;b=2" data-keep data-size="10"><a href="#">Permit</a></li>
<li data-doc-url="${MAP}" data-size="5"><a href="#">Not kept: no data-keep</a></li>
</ul></section><ul><li data-doc-url="${OTHER_PRODUCTION}" data-keep data-size="1">after the section</li></ul></main>`;

test("a My day saved in the background says which documents to keep, as the page would", () => {
  assert.deepEqual(keepListFromPage(MY_DAY), {
    productionId: "1", budget: 1000, documents: [{ url: `${PERMIT}?a=1&b=2`, size: 10 }],
  });
  const none = '<section class="card my needed" data-keep-documents data-production-id="2" data-budget="50" hidden></section>';
  assert.deepEqual(keepListFromPage(none), { productionId: "2", budget: 50, documents: [] });
  assert.equal(keepListFromPage("<main>a call sheet</main>"), null);
});

test("warming My day in the background keeps its documents and drops the ones it no longer lists", async () => {
  const caches = new FakeCaches();
  await (await caches.open(names.documents)).put(`${ORIGIN}${MAP}`, pdf());  // kept before; not listed now
  const page = MY_DAY.replace("?a=1&amp;b=2", "");
  const fetch = scriptedFetch((url) => (String(url).includes("/documents/") ? pdf() : html(page)));
  const keep = (_url, body) => keepFromPage(body, { fetch, caches, names, origin: ORIGIN });
  assert.equal(await warmPages(["/p/1/my-day", "/p/1/revisions/9"], { fetch, caches, names, onPage: keep }), 2);
  assert.deepEqual(await kept(caches), [PERMIT]);
  assert.deepEqual(fetch.calls.map((call) => new URL(call.url, ORIGIN).pathname),
    ["/p/1/my-day", PERMIT, "/p/1/revisions/9"]);  // the revision page lists none: nothing more fetched
});

test("a page that was not saved is not read for documents", async () => {
  const seen = [];
  const fetch = scriptedFetch(() => html("<main>Sign in</main>", { redirected: true }));
  await warmPages(["/p/1/my-day"], { fetch, caches: new FakeCaches(), names, onPage: (url) => seen.push(url) });
  assert.deepEqual(seen, []);
});
