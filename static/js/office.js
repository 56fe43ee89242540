// Office screens: mark forms with unsaved changes, and warn before leaving them behind.

function markDirty(event) {
  const form = event.target.closest("form");
  if (form && !form.matches(".scene-tools")) form.classList.add("dirty");
}

function hasUnsavedChanges() {
  return document.querySelector("#main form.dirty") !== null;
}

function warnBeforeLeaving(event) {
  if (hasUnsavedChanges()) {
    event.preventDefault();
    event.returnValue = "";
  }
}

function forgetSubmitted(event) {
  const form = event.target.closest("form");
  if (form) form.classList.remove("dirty");
}

export function wireOfficeForms(root = document) {
  root.addEventListener("input", markDirty);
  root.addEventListener("submit", forgetSubmitted);
  window.addEventListener("beforeunload", warnBeforeLeaving);
}

if (typeof document !== "undefined") wireOfficeForms();
