// node --test sync/test/  (the page script static/js/share-link.js)
import { test } from "node:test";
import assert from "node:assert/strict";
import { shareLink, revealShareButtons } from "../../static/js/share-link.js";

function page(url = "https://callboard.example/invite/abc") {
  const input = { value: url, selected: false, select() { this.selected = true; } };
  const button = { dataset: { shareLink: "#invite-url-5", shareTitle: "Invite" }, textContent: "Share link" };
  const document = { querySelector: (selector) => (selector === "#invite-url-5" ? input : null) };
  return { input, button, document };
}

test("uses the phone's share sheet when there is one", async () => {
  const { button, document } = page();
  const shared = [];
  const navigator = { share: async (data) => shared.push(data) };
  assert.equal(await shareLink(button, { navigator, document }), "shared");
  assert.deepEqual(shared, [{ title: "Invite", url: "https://callboard.example/invite/abc" }]);
});

test("copies the link when the browser cannot share", async () => {
  const { button, document } = page();
  const copied = [];
  const navigator = { clipboard: { writeText: async (text) => copied.push(text) } };
  assert.equal(await shareLink(button, { navigator, document }), "copied");
  assert.deepEqual(copied, ["https://callboard.example/invite/abc"]);
  assert.equal(button.textContent, "Copied");
});

test("a cancelled share sheet copies nothing", async () => {
  const { button, document } = page();
  const navigator = {
    share: async () => { throw Object.assign(new Error("cancelled"), { name: "AbortError" }); },
    clipboard: { writeText: async () => assert.fail("copied after a cancel") },
  };
  assert.equal(await shareLink(button, { navigator, document }), "cancelled");
});

test("selects the link for copying by hand when the clipboard is refused", async () => {
  const { button, document, input } = page();
  const navigator = { clipboard: { writeText: async () => { throw new Error("denied"); } } };
  assert.equal(await shareLink(button, { navigator, document }), "selected");
  assert.ok(input.selected);
});

test("share buttons stay hidden until the script runs", () => {
  const buttons = [{ hidden: true }, { hidden: true }];
  revealShareButtons({ querySelectorAll: () => buttons });
  assert.deepEqual(buttons.map((b) => b.hidden), [false, false]);
});
