import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import test from "node:test";

import { json, scriptedFetch } from "../fakes.mjs";
import { createOutbox, flush, newAction, pendingActions, prune, resolveConflict } from "../outbox.js";
import { memoryStore } from "../store.js";

const clock = (iso) => () => new Date(iso);
const answerAll = (status = "applied") => (_url, init) => json({
  results: JSON.parse(init.body).ops.map((op) => ({ id: op.id, status })),
  cursor: "v1:2", changes: [], prefetch: [],
});

async function queued(store, count = 1, kind = "check_in") {
  const actions = [];
  for (let i = 0; i < count; i += 1) {
    const action = newAction({ id: randomUUID(), productionId: "1", kind, payload: { shoot_day_id: "3" } },
      new Date(Date.UTC(2026, 10, 26, 6, 0, i)));
    await store.put(action);
    actions.push(action);
  }
  return actions;
}

test("an action is queued as pending with its id and device tap time", async () => {
  const store = memoryStore();
  const outbox = createOutbox({ store, fetch: scriptedFetch(), now: clock("2026-11-26T06:11:58Z") });
  const action = await outbox.enqueue({ id: "a-1", productionId: "1", kind: "check_in", payload: { shoot_day_id: "3" } });
  assert.deepEqual(await store.all(), [{ ...action, state: "pending" }]);
  assert.equal(action.tappedAt, "2026-11-26T06:11:58.000Z");
  assert.equal(action.productionId, 1);
});

test("a flush sends the queue with the sync header and device send time, then marks it synced", async () => {
  const store = memoryStore();
  const [action] = await queued(store);
  const fetch = scriptedFetch(answerAll("duplicate"));
  const outcome = await flush({ store, fetch, now: clock("2026-11-26T06:12:09Z") });
  const { init } = fetch.calls[0];
  assert.equal(init.method, "POST");
  assert.equal(init.headers["X-Callboard-Sync"], "1");
  const body = JSON.parse(init.body);
  assert.equal(body.sent_at, "2026-11-26T06:12:09.000Z");
  assert.deepEqual(body.ops, [{ id: action.id, production_id: 1, kind: "check_in",
    tapped_at: action.tappedAt, payload: { shoot_day_id: "3" } }]);
  assert.equal(outcome.synced, 1);
  assert.equal((await store.all())[0].state, "synced");
});

test("rejected actions fail with the server's reason; conflicts keep both values", async () => {
  const store = memoryStore();
  const [bad, stale] = await queued(store, 2);
  const fetch = scriptedFetch(json({ cursor: "v1:1", results: [
    { id: bad.id, status: "rejected", reason: "not_member", message: "You are not on that production." },
    { id: stale.id, status: "conflict", message: "Changed", conflict: { yours: 360, theirs: 420, server_version: 5 } },
  ] }));
  const outcome = await flush({ store, fetch });
  const byId = Object.fromEntries((await store.all()).map((a) => [a.id, a]));
  assert.equal(byId[bad.id].state, "failed");
  assert.equal(byId[bad.id].reason, "You are not on that production.");
  assert.equal(byId[stale.id].state, "conflict");
  assert.equal(byId[stale.id].conflict.theirs, 420);
  assert.deepEqual([outcome.failed, outcome.conflicts], [1, 1]);
});

test("signed out (401) keeps every action queued and says so", async () => {
  const store = memoryStore();
  await queued(store, 2);
  const outcome = await flush({ store, fetch: scriptedFetch(json({ error: "signed_out" }, 401)) });
  assert.equal(outcome.signedOut, true);
  assert.equal((await pendingActions(store)).length, 2);
  assert.equal(await store.getMeta("signedOut"), true);
});

test("no signal keeps the queue; so does a server error", async () => {
  const store = memoryStore();
  await queued(store);
  assert.equal((await flush({ store, fetch: scriptedFetch(new TypeError("Failed to fetch")) })).error, "offline");
  assert.equal((await flush({ store, fetch: scriptedFetch(json({}, 503)) })).error, "http_503");
  assert.equal((await pendingActions(store)).length, 1);
});

test("a long queue goes in batches of at most 200, oldest tap first", async () => {
  const store = memoryStore();
  await queued(store, 450);
  const fetch = scriptedFetch(answerAll());
  await flush({ store, fetch });
  const sizes = fetch.calls.map((c) => JSON.parse(c.init.body).ops.length);
  assert.deepEqual(sizes, [200, 200, 50]);
  const first = JSON.parse(fetch.calls[0].init.body).ops.map((op) => op.tapped_at);
  assert.deepEqual(first, [...first].sort());
  assert.equal((await pendingActions(store)).length, 0);
});

test("a batch the server finds too large is split in half and sent again", async () => {
  const store = memoryStore();
  await queued(store, 10);
  const fetch = scriptedFetch(json({ error: "too_large" }, 413), answerAll());
  await flush({ store, fetch });
  assert.deepEqual(fetch.calls.map((c) => JSON.parse(c.init.body).ops.length), [10, 5, 5]);
});

test("the cursor from one answer is sent with the next batch; changes become pages to warm", async () => {
  const store = memoryStore();
  const fetch = scriptedFetch(json({ results: [], cursor: "v1:77", prefetch: ["/p/1/my-day"],
    changes: [{ url: "/p/1/revisions/9" }, { url: "/p/1/my-day" }] }));
  const outcome = await flush({ store, fetch });
  assert.deepEqual(outcome.urls, ["/p/1/my-day", "/p/1/revisions/9"]);
  await flush({ store, fetch });
  assert.equal(JSON.parse(fetch.calls[0].init.body).cursor, null);
  assert.equal(JSON.parse(fetch.calls[1].init.body).cursor, "v1:77");
});

test("synced actions are forgotten after a day; pending ones never", async () => {
  const store = memoryStore();
  const [old, fresh] = await queued(store, 2);
  await store.put({ ...old, state: "synced", syncedAt: "2026-11-20T00:00:00Z" });
  await prune(store, new Date("2026-11-26T12:00:00Z"));
  assert.deepEqual((await store.all()).map((a) => a.id), [fresh.id]);
});

test("choosing my value after a conflict queues a new operation on the server's version", async () => {
  const store = memoryStore();
  const [action] = await queued(store, 1, "update_field");
  const conflicted = { ...action, state: "conflict", conflict: { server_version: 5 } };
  const retry = await resolveConflict(store, conflicted, "mine", { newId: () => "new-id", now: new Date() });
  assert.equal(retry.payload.base_version, 5);
  assert.equal(retry.state, "pending");
  const states = Object.fromEntries((await store.all()).map((a) => [a.id, a.state]));
  assert.deepEqual(states, { [action.id]: "resolved", "new-id": "pending" });
  assert.equal(await resolveConflict(store, conflicted, "theirs", { newId: () => "x", now: new Date() }), null);
});

test("flushes asked for while one runs share it (page load, online and a timer at once)", async () => {
  const store = memoryStore();
  await queued(store);
  let release;
  const fetch = scriptedFetch((url, init) => new Promise((resolve) => { release = () => resolve(answerAll()(url, init)); }));
  const messages = [];
  const outbox = createOutbox({ store, fetch, channel: { postMessage: (m) => messages.push(m) } });
  const first = outbox.flush();
  const second = outbox.flush();
  await new Promise((resolve) => setTimeout(resolve, 1));
  release();
  assert.equal(await first, await second);
  assert.equal(fetch.calls.length, 1);
  assert.equal(messages.at(-1).type, "outbox-changed");
});

test("with Web Locks, a flush runs under the outbox lock (page and worker never overlap)", async () => {
  const held = [];
  const locks = { request: async (name, task) => { held.push(name); return task(); } };
  const outbox = createOutbox({ store: memoryStore(), fetch: scriptedFetch(answerAll()), locks });
  await outbox.flush();
  assert.deepEqual(held, ["callboard-outbox"]);
});
