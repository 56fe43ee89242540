// Page side of the outbox: queue tapped actions, show Pending / Synced / Failed, flush often.
import { createRetryTimer } from "/sw/backoff.js";
import { cacheNames } from "/sw/caches.js";
import { CHANNEL, SYNC_TAG, createOutbox, resolveConflict } from "/sw/outbox.js";
import { idbStore } from "/sw/store.js";
import { warmPages } from "/sw/strategies.js";
import { FORM_ONLY, actionMatches, checkinView, conflictText, payloadFromEntries, statusText } from "/sw/ui.js";
import { sureOfTime } from "./sane-times.js";

const channel = "BroadcastChannel" in self ? new BroadcastChannel(CHANNEL) : null;
export const outbox = createOutbox({
  store: idbStore(indexedDB), fetch: (...args) => fetch(...args), channel, locks: navigator.locks ?? null,
});
const retry = createRetryTimer(() => flushNow());
const byTap = (a, b) => a.tappedAt.localeCompare(b.tappedAt);
let notify = () => {};

function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 15) | 64;
  b[8] = (b[8] & 63) | 128;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function hiddenFields(form) {
  const fields = {};
  for (const input of form.querySelectorAll("input[type=hidden][name]")) {
    if (!FORM_ONLY.has(input.name)) fields[input.name] = input.value;
  }
  return fields;
}

function renderCheckin(section, actions) {
  const renderedAt = section.dataset.renderedAt || "";
  const mine = actions.filter((a) => actionMatches(a, {
    kinds: ["check_in", "check_out", "running_late"], productionId: section.dataset.productionId,
    fields: { shoot_day_id: section.dataset.shootDayId },
  }) && (a.state !== "synced" || (a.syncedAt || "") > renderedAt)).sort(byTap);
  section.dataset.serverState ??= section.dataset.checkinState;
  const view = checkinView(section.dataset.serverState, mine);
  section.dataset.checkinState = view.state;
  const label = section.querySelector("[data-checkin-label]");
  if (label && view.label) label.textContent = view.label;
  const show = { check_in: ["out", "late"], check_out: ["in"] };
  for (const form of section.querySelectorAll("form[data-outbox-kind]")) {
    const states = show[form.dataset.outboxKind];
    if (states) form.hidden = !states.includes(view.state);
  }
  const late = section.querySelector("details.running-late");
  if (late) late.hidden = ["in", "wrapped"].includes(view.state);
  const status = section.querySelector(":scope > [data-outbox-status]");
  if (status) status.textContent = statusText(mine.at(-1));
}

function renderConflicts(actions) {
  for (const action of actions.filter((a) => a.state === "conflict")) {
    notify(`conflict-${action.id}`, `Changed on the server while you were offline — ${conflictText(action)}.`, [
      ["Keep the server's", () => settle(action, "theirs")], ["Use mine", () => settle(action, "mine")],
    ]);
  }
}

async function settle(action, choice) {
  await resolveConflict(outbox.store, action, choice, { newId, now: new Date() });
  notify(`conflict-${action.id}`, null);
  await flushNow();
}

export async function render() {
  const actions = await outbox.list();
  for (const form of document.querySelectorAll("form[data-outbox-kind]")) {
    const latest = actions.filter((a) => actionMatches(a, {
      kinds: [form.dataset.outboxKind], productionId: form.dataset.productionId, fields: hiddenFields(form),
    })).sort(byTap).at(-1);
    form.dataset.outboxState = latest?.state ?? "";
    const status = form.querySelector("[data-outbox-status]");
    if (status) status.textContent = statusText(latest);
  }
  document.querySelectorAll("[data-checkin]").forEach((section) => renderCheckin(section, actions));
  renderConflicts(actions);
  return actions;
}

const signedIn = () => document.querySelector('form[action$="/logout"]') !== null;

let inFlight = Promise.resolve();
let stopped = false;

// One flush at a time, none after sign-out began: a late one would save pages again.
export function flushNow() {
  if (stopped) return Promise.resolve({ urls: [], error: null });
  const run = inFlight.then(flushOnce, flushOnce);
  inFlight = run.catch(() => {});
  return run;
}

export async function stopOutbox() {
  stopped = true;
  await inFlight;
}

async function flushOnce() {
  const queued = (await outbox.list()).filter((a) => a.state === "pending").length;
  if (!queued && !signedIn()) return { urls: [], error: null };  // nothing to send, nobody to ask for
  const outcome = await outbox.flush();
  await render();
  const waiting = (await outbox.list()).filter((a) => a.state === "pending").length;
  const stranded = outcome.signedOut && waiting > 0;
  notify("signed-out", stranded ? `You are signed out. Sign in again to send the ${waiting} action(s) kept on this phone.` : null,
    stranded ? [["Sign in", () => location.assign(`/login?next=${encodeURIComponent(location.pathname)}`)]] : []);
  if (outcome.error && !outcome.signedOut) retry.failed();
  else retry.succeeded();
  // Save My day and newer call sheets now, while there is signal (saved pages outlive deploys).
  if (outcome.urls.length && "caches" in self) {
    await warmPages(outcome.urls, { fetch: (...args) => fetch(...args), caches, names: cacheNames("") });
  }
  return outcome;
}

async function requestSync() {
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    await registration?.sync?.register(SYNC_TAG);  // Chromium only; the page flushes anyway
  } catch {
    // Background Sync refused or missing: the timer, `online` and the next visit cover it
  }
  await flushNow();
}

async function submit(event) {
  const form = event.target.closest?.("form[data-outbox-kind]");
  if (!form) return;
  event.preventDefault();
  const tappedAt = new Date();
  const payload = payloadFromEntries(new FormData(form).entries());
  if (!(await sureOfTime(form, payload, tappedAt, await outbox.list()))) return;
  const idInput = form.querySelector("input[name=op_id]");
  await outbox.enqueue({
    id: idInput?.value || newId(), productionId: form.dataset.productionId,
    kind: form.dataset.outboxKind, payload,
  }, tappedAt);
  if (idInput) idInput.value = newId();  // the next tap is a new action
  form.closest("details")?.removeAttribute("open");
  await render();
  await requestSync();
}

export function startOutbox(notifier) {
  notify = notifier;
  document.addEventListener("submit", submit);
  addEventListener("online", flushNow);
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && flushNow());
  channel?.addEventListener("message", render);
  return render().then(flushNow);
}
