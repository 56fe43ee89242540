// The distribution board polls every 5 s (hx-trigger on #board); don't poll from a hidden tab,
// and catch up at once when the tablet is looked at again.
function skipWhileHidden(event) {
  const source = event.detail && event.detail.elt;
  if (document.hidden && source && source.hasAttribute("data-poll")) event.preventDefault();
}

function refreshWhenVisible() {
  if (!document.hidden) document.body.dispatchEvent(new CustomEvent("board-refresh"));
}

document.body.addEventListener("htmx:beforeRequest", skipWhileHidden);
document.addEventListener("visibilitychange", refreshWhenVisible);
