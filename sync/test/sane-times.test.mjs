import assert from "node:assert/strict";
import test from "node:test";

import { createOutbox } from "../outbox.js";
import { memoryStore } from "../store.js";
import { firstCheckIn, oddTap, spanText, statusText } from "../ui.js";

const LONDON = "Europe/London";
// A 06:15 call in London on 2 Dec 2026 (GMT), a three-hour window.
const times = { callAt: "2026-12-02T06:15:00+00:00", call: "06:15", windowMinutes: "180", checkedInAt: "" };

test("a check-in at 00:48 for a 06:15 call asks, a sane one does not", () => {
  assert.equal(oddTap("check_in", "2026-12-02T00:48:30Z", times, LONDON), "It is 5 h 27 min before your 06:15 call.");
  assert.equal(oddTap("check_in", "2026-12-02T03:15:00Z", times, LONDON), null);  // exactly the window
  assert.equal(oddTap("check_in", "2026-12-02T03:14:59Z", times, LONDON), "It is 3 h 1 min before your 06:15 call.");
  assert.equal(oddTap("check_in", "2026-12-02T07:30:00Z", times, LONDON), null);  // late is not odd
});

test("a wrap before the call or before the check-in asks", () => {
  assert.equal(oddTap("check_out", "2026-12-02T00:51:00Z", times, LONDON), "It is 5 h 24 min before your 06:15 call.");
  const checkedIn = { ...times, checkedInAt: "2026-12-02T07:00:00Z" };
  assert.equal(oddTap("check_out", "2026-12-02T06:50:00Z", checkedIn, LONDON),
    "You checked in at 07:00: this wrap is before it.");
  assert.equal(oddTap("check_out", "2026-12-02T19:00:00Z", checkedIn, LONDON), null);
});

test("with no published call only the wrap-before-check-in rule applies; running late never asks", () => {
  const uncalled = { callAt: "", call: "", windowMinutes: "180", checkedInAt: "" };
  assert.equal(oddTap("check_in", "2026-12-02T00:48:00Z", uncalled, LONDON), null);
  assert.equal(oddTap("check_out", "2026-12-02T00:48:00Z", uncalled, LONDON), null);
  assert.equal(oddTap("running_late", "2026-12-02T00:48:00Z", times, LONDON), null);
});

test("spans read as the board writes them", () => {
  assert.equal(spanText(3 * 3600e3), "3 h");
  assert.equal(spanText(45 * 60e3), "45 min");
  assert.equal(spanText((5 * 60 + 27) * 60e3 + 59e3), "5 h 27 min");
});

test("the first check-in is the server's or one this phone tapped and was not refused", () => {
  const actions = [
    { kind: "check_in", state: "failed", tappedAt: "2026-12-02T05:00:00.000Z" },
    { kind: "check_in", state: "pending", tappedAt: "2026-12-02T06:40:00.000Z" },
    { kind: "check_out", state: "pending", tappedAt: "2026-12-02T06:00:00.000Z" },
  ];
  assert.equal(firstCheckIn("", actions), "2026-12-02T06:40:00.000Z");
  assert.equal(firstCheckIn("2026-12-02T06:30:00+00:00", actions), "2026-12-02T06:30:00+00:00");
  assert.equal(firstCheckIn("", []), "");
});

test("a confirmed odd tap is queued with its tap time, not the time the person answered", async () => {
  const store = memoryStore();
  const outbox = createOutbox({ store, fetch: async () => null, now: () => new Date("2026-12-02T00:49:10Z") });
  const action = await outbox.enqueue({ id: "a-1", productionId: "1", kind: "check_in",
    payload: { shoot_day_id: "3", confirmed: "1" } }, new Date("2026-12-02T00:48:30Z"));
  assert.equal(action.tappedAt, "2026-12-02T00:48:30.000Z");
  assert.equal(action.payload.confirmed, "1");
});

test("a synced odd time says what the office sees", () => {
  assert.equal(statusText({ state: "synced", result: { flag: "5 h 27 min before call 06:15", confirmed: true } }),
    "Synced — the office sees an odd time: 5 h 27 min before call 06:15");
  assert.equal(statusText({ state: "synced", result: { event_id: 1 } }), "Synced");
});
