import assert from "node:assert/strict";
import test from "node:test";

import { actionMatches, bannerText, checkinView, conflictText, payloadFromEntries, statusText } from "../ui.js";

const LONDON = "Europe/London";

test("the offline banner names the revision, when it was published and when it was saved", () => {
  const text = bannerText({ colour: "Blue", publishedAt: "2026-11-25T18:05:00Z", savedAt: "2026-11-26T06:12:30Z" }, LONDON);
  assert.equal(text, "Offline — revision Blue, published 18:05, saved on this phone 06:12");
});

test("the banner leaves out what the page does not say", () => {
  assert.equal(bannerText({ number: "3", savedAt: "not a date" }, LONDON), "Offline — revision 3");
  assert.equal(bannerText({}, LONDON), "Offline");
});

test("each action state reads as a person understands it", () => {
  assert.equal(statusText({ state: "pending" }), "Pending — will send when there is signal");
  assert.equal(statusText({ state: "synced" }), "Synced");
  assert.equal(statusText({ state: "failed", reason: "You are not on that production." }),
    "Failed — You are not on that production.");
});

test("a form becomes a payload without its token, op id or return path", () => {
  const payload = payloadFromEntries([["csrf_token", "x"], ["op_id", "y"], ["next", "/"], ["shoot_day_id", "3"], ["eta", "07:40"]]);
  assert.deepEqual(payload, { shoot_day_id: "3", eta: "07:40" });
});

test("actions match the form for their kind, production and hidden fields", () => {
  const action = { kind: "confirm_revision", productionId: 1, payload: { revision_id: "9" } };
  assert.ok(actionMatches(action, { kinds: ["confirm_revision"], productionId: "1", fields: { revision_id: 9 } }));
  assert.ok(!actionMatches(action, { kinds: ["confirm_revision"], productionId: "1", fields: { revision_id: 8 } }));
  assert.ok(!actionMatches(action, { kinds: ["check_in"], productionId: "1", fields: {} }));
});

test("the check-in section follows the actions taken on this phone, in tap order", () => {
  const late = { kind: "running_late", state: "synced", tappedAt: "2026-11-26T06:00:00Z", payload: { eta: "07:40" } };
  const arrive = { kind: "check_in", state: "pending", tappedAt: "2026-11-26T07:38:00Z", payload: {} };
  const refused = { kind: "check_out", state: "failed", tappedAt: "2026-11-26T08:00:00Z", payload: {} };
  assert.deepEqual(checkinView("out", [late], LONDON), { state: "late", label: "Running late · ETA 07:40" });
  assert.deepEqual(checkinView("out", [refused, arrive, late], LONDON), { state: "in", label: "Checked in 07:38" });
  assert.deepEqual(checkinView("in", [], LONDON), { state: "in", label: null });
});

test("a conflict shows both values", () => {
  const text = conflictText({ conflict: { field: "general_call", yours: 390, theirs: 420 } });
  assert.equal(text, "general call: yours 06:30, on the server 07:00");
});
