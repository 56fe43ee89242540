// The outbox: every action is stored first, shown as pending, and sent in batches to
// /api/sync until the server answers for it (sync/PROTOCOL.md). Works in pages and workers.
export const SYNC_TAG = "callboard-outbox";
export const CHANNEL = "callboard-outbox";
export const ENDPOINT = "/api/sync";
export const MAX_BATCH = 200;
export const KEEP_SYNCED_MS = 24 * 60 * 60 * 1000;

export function newAction({ id, productionId, kind, payload = {} }, tappedAt) {
  return {
    id, productionId: Number(productionId), kind, payload,
    tappedAt: tappedAt.toISOString(), state: "pending", reason: "", attempts: 0,
  };
}

export function toWire(action) {
  return {
    id: action.id, production_id: action.productionId, kind: action.kind,
    tapped_at: action.tappedAt, payload: action.payload,
  };
}

const byTap = (a, b) => a.tappedAt.localeCompare(b.tappedAt);

export async function pendingActions(store) {
  return (await store.all()).filter((a) => a.state === "pending").sort(byTap);
}

export async function applyResults(store, batch, results, at) {
  const byId = new Map((results || []).map((result) => [result.id, result]));
  const changed = [];
  for (const [i, action] of batch.entries()) {
    // Results come back in request order; the id check guards against a short answer.
    const result = results?.[i]?.id === action.id ? results[i] : byId.get(action.id);
    if (!result) continue;
    const next = { ...action, attempts: action.attempts + 1, result: result.result ?? null };
    if (result.status === "applied" || result.status === "duplicate") {
      Object.assign(next, { state: "synced", reason: "", syncedAt: at.toISOString() });
    } else if (result.status === "conflict") {
      Object.assign(next, { state: "conflict", reason: result.message, conflict: result.conflict });
    } else {
      Object.assign(next, { state: "failed", reason: result.message || result.reason || "Refused" });
    }
    await store.put(next);
    changed.push(next);
  }
  return changed;
}

async function post(fetch, endpoint, body) {
  try {
    return await fetch(endpoint, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-Callboard-Sync": "1" },
    });
  } catch {
    return null;
  }
}

export async function flush({ store, fetch, now = () => new Date(), endpoint = ENDPOINT, maxBatch = MAX_BATCH }) {
  const queue = await pendingActions(store);
  const outcome = { sent: 0, synced: 0, failed: 0, conflicts: 0, signedOut: false, error: null, urls: [] };
  let cursor = (await store.getMeta("cursor")) ?? null;
  let size = maxBatch;
  let index = 0;
  do {
    const batch = queue.slice(index, index + size);
    const body = { protocol: 1, sent_at: now().toISOString(), cursor, ops: batch.map(toWire) };
    const response = await post(fetch, endpoint, body);
    if (response === null) return { ...outcome, error: "offline" };
    if (response.status === 401) {
      await store.setMeta("signedOut", true);
      return { ...outcome, signedOut: true, error: "signed_out" };
    }
    if (response.status === 413 && batch.length > 1) {
      size = Math.ceil(batch.length / 2);
      continue;
    }
    if (!response.ok) return { ...outcome, error: `http_${response.status}` };
    const data = await response.json();
    await store.setMeta("signedOut", false);
    for (const action of await applyResults(store, batch, data.results, now())) {
      if (action.state === "synced") outcome.synced += 1;
      else if (action.state === "conflict") outcome.conflicts += 1;
      else outcome.failed += 1;
    }
    outcome.sent += batch.length;
    cursor = data.cursor ?? cursor;
    await store.setMeta("cursor", cursor);
    outcome.urls.push(...(data.prefetch || []), ...(data.changes || []).map((c) => c.url).filter(Boolean));
    index += batch.length;
  } while (index < queue.length);
  outcome.urls = [...new Set(outcome.urls)];
  return outcome;
}

export async function prune(store, now, keepMs = KEEP_SYNCED_MS) {
  for (const action of await store.all()) {
    const done = action.state === "synced" || action.state === "resolved";
    if (done && now - new Date(action.syncedAt || action.tappedAt) > keepMs) await store.remove(action.id);
  }
}

export async function resolveConflict(store, action, choice, { newId, now }) {
  await store.put({ ...action, state: "resolved", syncedAt: now.toISOString() });
  if (choice !== "mine") return null;
  const payload = { ...action.payload, base_version: action.conflict.server_version };
  const retry = newAction({ id: newId(), productionId: action.productionId, kind: action.kind, payload }, now);
  await store.put(retry);
  return retry;
}

export function createOutbox({ store, fetch, now = () => new Date(), channel = null, locks = null, endpoint = ENDPOINT }) {
  let running = null;
  const announce = (outcome = null) => channel?.postMessage({ type: "outbox-changed", outcome });
  async function flushOnce() {
    const task = () => flush({ store, fetch, now, endpoint });
    const outcome = locks ? await locks.request(SYNC_TAG, task) : await task();
    await prune(store, now());
    announce(outcome);
    return outcome;
  }
  return {
    store,
    // `tappedAt`: when the person tapped (an "Are you sure?" answered later keeps the tap's time).
    async enqueue(fields, tappedAt = now()) {
      const action = newAction(fields, tappedAt);
      await store.put(action);
      announce();
      return action;
    },
    flush() {
      running ??= flushOnce().finally(() => {
        running = null;
      });
      return running;
    },
    list: () => store.all(),
    async clear() {
      await store.clear();
      announce();
    },
  };
}
