// "Share link" buttons next to invite links: the phone's share sheet, or copy to the clipboard.

export async function shareLink(button, { navigator: nav = globalThis.navigator, document: doc = globalThis.document } = {}) {
  const input = doc.querySelector(button.dataset.shareLink);
  if (!input) return "missing";
  const url = input.value;
  if (nav.share) {
    try {
      await nav.share({ title: button.dataset.shareTitle || "Callboard invite", url });
      return "shared";
    } catch (error) {
      if (error && error.name === "AbortError") return "cancelled";
    }
  }
  try {
    await nav.clipboard.writeText(url);
    button.textContent = "Copied";
    return "copied";
  } catch {
    input.select();  // let the person copy it by hand
    return "selected";
  }
}

export function revealShareButtons(root) {
  for (const button of root.querySelectorAll("[data-share-link][hidden]")) button.hidden = false;
}

function onClick(event) {
  const button = event.target.closest("[data-share-link]");
  if (button) shareLink(button);
}

if (typeof document !== "undefined") {
  document.addEventListener("click", onClick);
  document.addEventListener("htmx:load", (event) => revealShareButtons(event.target));
  revealShareButtons(document);
}
