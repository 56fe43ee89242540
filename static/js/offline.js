// Offline support on every page: the service worker, its updates, the offline banner,
// the outbox (outbox-page.js), documents kept on the phone (saved-documents.js) and
// clearing this phone at sign-out.
import { cacheNames, clearAll } from "/sw/caches.js";
import { bannerText } from "/sw/ui.js";
import { outbox, startOutbox, stopOutbox } from "./outbox-page.js";

let reloading = false;
let savedDocuments = null;

function noticeArea() {
  const main = document.querySelector("main");
  let area = document.querySelector(".offline-notices");
  if (!area && main) {
    area = Object.assign(document.createElement("div"), { className: "offline-notices" });
    area.setAttribute("role", "status");
    main.prepend(area);
  }
  return area;
}

export function notice(key, text, buttons = []) {
  const area = noticeArea();
  let item = area?.querySelector(`[data-notice="${key}"]`);
  if (!text) return item?.remove();
  if (!area) return undefined;
  item ??= Object.assign(document.createElement("p"), { className: `notice offline-notice ${key}` });
  item.dataset.notice = key;
  item.replaceChildren(text);
  for (const [label, action] of buttons) {
    const button = Object.assign(document.createElement("button"), { type: "button", textContent: label });
    button.addEventListener("click", action);
    item.append(" ", button);
  }
  area.append(item);
  return item;
}

function showOfflineBanner() {
  const main = document.querySelector("main");
  const savedAt = main?.dataset.servedFromCache;
  if (savedAt === undefined) return;
  const sheet = document.querySelector("[data-revision-colour], [data-revision-number], [data-published-at]") || main;
  const { revisionColour: colour, revisionNumber: number, publishedAt } = sheet.dataset;
  notice("offline", bannerText({ colour, number, publishedAt, savedAt }));
}

function offerUpdate(worker) {
  notice("update", "Update available —", [["reload", () => {
    reloading = true;
    worker.postMessage({ type: "skip-waiting" });
  }]]);
}

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.register("/sw.js", { type: "module", scope: "/" });
  const container = navigator.serviceWorker;
  if (registration.waiting && container.controller) offerUpdate(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => {
      if (worker.state === "installed" && container.controller) offerUpdate(worker);
    });
  });
  container.addEventListener("controllerchange", () => reloading && location.reload());
}

async function signOut(event) {
  const form = event.target;
  if (!form.matches?.('form[action$="/logout"]')) return;
  event.preventDefault();
  const waiting = (await outbox.list()).filter((a) => a.state === "pending").length;
  if (waiting && !confirm(`${waiting} action(s) not sent yet will be lost on this phone. Sign out anyway?`)) return;
  await Promise.all([stopOutbox(), savedDocuments?.stopSavingDocuments()]);  // nothing saved after the clear
  await Promise.all([clearAll(caches), outbox.clear()]);
  navigator.serviceWorker?.controller?.postMessage({ type: "clear" });
  form.submit();
}

async function listSavedPages() {
  const list = document.querySelector("[data-saved-pages]");
  if (!list || !("caches" in self)) return;
  const cache = await caches.open(cacheNames("").pages);
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (!/^\/p\/\d+\//.test(path)) continue;
    const label = path.endsWith("/my-day") ? "My day" : path.endsWith("/today") ? "Today on set" : path;
    const link = Object.assign(document.createElement("a"), { href: path, textContent: label, className: "button wide" });
    const item = document.createElement("li");
    item.append(link);
    list.append(item);
  }
}

// Loaded only where documents are listed, or where My day may drop some kept earlier.
async function startDocuments() {
  if (!("caches" in self)) return;
  const keeping = document.querySelector("[data-keep-documents]") && await caches.has(cacheNames("").documents);
  if (!keeping && !document.querySelector("[data-doc-url]")) return;
  savedDocuments = await import("./saved-documents.js");
  await savedDocuments.startSavedDocuments();
}

function iosInstallHint() {
  const ios = /iphone|ipad|ipod/i.test(navigator.userAgent);
  if (!ios || navigator.standalone || localStorage.getItem("callboard-ios-hint")) return;
  notice("install", "Keep Callboard on your phone: tap Share, then “Add to Home Screen”.", [["OK", () => {
    localStorage.setItem("callboard-ios-hint", "1");
    notice("install", null);
  }]]);
}

document.addEventListener("submit", signOut);
showOfflineBanner();
iosInstallHint();
listSavedPages();
registerWorker().catch(() => notice("no-worker", null));
startOutbox(notice).catch(() => undefined);
startDocuments().catch(() => undefined);
