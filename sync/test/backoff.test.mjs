import assert from "node:assert/strict";
import test from "node:test";

import { backoffDelay, createRetryTimer } from "../backoff.js";

test("retry delays double up to five minutes, with jitter in the upper half", () => {
  const top = (attempt) => backoffDelay(attempt, { random: () => 1 });
  const bottom = (attempt) => backoffDelay(attempt, { random: () => 0 });
  assert.deepEqual([0, 1, 2, 3].map(top), [2000, 4000, 8000, 16000]);
  assert.equal(bottom(3), 8000);
  assert.equal(top(20), 300000);
});

test("the retry timer backs off on failure and resets on success", () => {
  const timers = [];
  const timer = createRetryTimer(() => {}, {
    setTimer: (fn, ms) => timers.push(ms), clearTimer: () => {}, random: () => 1,
  });
  timer.failed();
  timer.failed();
  timer.failed();
  assert.deepEqual(timers, [2000, 4000, 8000]);
  timer.succeeded();
  timer.failed();
  assert.equal(timers.at(-1), 2000);
});

test("a scheduled retry runs once and a new schedule replaces the old one", () => {
  const pending = new Map();
  let next = 0;
  let runs = 0;
  const timer = createRetryTimer(() => { runs += 1; }, {
    setTimer: (fn) => { pending.set(++next, fn); return next; }, clearTimer: (id) => pending.delete(id),
  });
  timer.schedule(10);
  timer.schedule(20);
  assert.equal(pending.size, 1);
  [...pending.values()].forEach((fn) => fn());
  assert.equal(runs, 1);
});
