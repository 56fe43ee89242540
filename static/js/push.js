// Push opt-in on /account/notifications: a small state machine the person can see
// (unsupported / not-installed / blocked / off / on); permission is asked only from a tap.
const STATES = ["checking", "unsupported", "not-installed", "blocked", "off", "on"];

// Decide which state applies from what the browser offers.
export function pushState({ serviceWorker, pushManager, notification, permission, ios, standalone, subscribed }) {
  if (ios && !standalone) return "not-installed"; // iOS offers push only to Home Screen apps
  if (!serviceWorker || !pushManager || !notification) return "unsupported";
  if (permission === "denied") return "blocked";
  return subscribed && permission === "granted" ? "on" : "off";
}

// Turn the base64url application-server key into the bytes subscribe() wants.
export function keyBytes(base64url) {
  const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function keyText(buffer) {
  if (!buffer) return "";
  const text = btoa(String.fromCharCode(...new Uint8Array(buffer)));
  return text.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function isIos() {
  return /iPhone|iPad|iPod/.test(navigator.userAgent)
    || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
}

function isStandalone() {
  return matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;
}

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

async function send(method, url, body) {
  return fetch(url, {
    method, credentials: "same-origin", body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
  });
}

function show(root, state, error = "") {
  for (const part of root.querySelectorAll("[data-push-state]")) {
    part.hidden = part.dataset.pushState !== state;
  }
  const message = root.querySelector("[data-push-error]");
  message.hidden = !error;
  message.textContent = error;
}

async function registration() {
  const existing = await navigator.serviceWorker.getRegistration();
  if (existing) return existing;
  const ready = navigator.serviceWorker.ready;
  const late = new Promise((resolve) => setTimeout(() => resolve(null), 3000));
  return Promise.race([ready, late]);
}

async function servedKey(root) {
  const response = await fetch(root.dataset.keyUrl, { credentials: "same-origin" });
  if (!response.ok) throw new Error("Could not fetch the push key. Check your signal and try again.");
  return (await response.json()).publicKey;
}

async function saveSubscription(root, subscription, key) {
  const response = await send("POST", root.dataset.subscribeUrl, { ...subscription.toJSON(), applicationServerKey: key });
  if (response.ok) return;
  const answer = await response.json().catch(() => ({}));
  throw Object.assign(new Error(answer.message || "Callboard could not save this device."), { status: response.status });
}

async function subscribe(root, reg) {
  const key = await servedKey(root);
  const subscription = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  try {
    await saveSubscription(root, subscription, key);
  } catch (error) {
    if (error.status !== 409) throw error;
    await subscription.unsubscribe(); // the key was rotated meanwhile: once more with the new one
    return subscribe(root, reg);
  }
  return subscription;
}

// Keep the server in step: re-subscribe after a key rotation, re-send after a removal.
async function resync(root, reg, subscription) {
  const key = await servedKey(root);
  if (keyText(subscription.options && subscription.options.applicationServerKey) !== key) {
    await subscription.unsubscribe();
    return subscribe(root, reg);
  }
  await saveSubscription(root, subscription, key);
  return subscription;
}

// Badge this device in the list of devices (the list is rendered, and re-rendered, by the server).
function markThisDevice(endpoint) {
  for (const item of document.querySelectorAll("#devices [data-endpoint]")) {
    const badge = item.querySelector("[data-this-device]");
    if (badge) badge.hidden = !endpoint || item.dataset.endpoint !== endpoint;
  }
}

function refreshDevices(root) {
  if (window.htmx) {
    window.htmx.ajax("GET", root.dataset.devicesUrl, { target: "#devices", select: "#devices", swap: "outerHTML" });
  }
}

async function start(root) {
  const supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  const facts = {
    serviceWorker: "serviceWorker" in navigator, pushManager: "PushManager" in window,
    notification: "Notification" in window, permission: supported ? Notification.permission : "default",
    ios: isIos(), standalone: isStandalone(), subscribed: false,
  };
  let reg = null;
  let endpoint = null;
  if (supported) {
    reg = await registration();
    const existing = reg && (await reg.pushManager.getSubscription());
    if (existing && Notification.permission === "granted") {
      facts.subscribed = true;
      endpoint = existing.endpoint;
      resync(root, reg, existing).then((current) => {
        endpoint = current.endpoint; // a new one after a key rotation
        markThisDevice(endpoint);
      }).catch((error) => show(root, "on", error.message));
    }
  }
  show(root, pushState(facts));
  markThisDevice(endpoint);
  document.body.addEventListener("htmx:afterSwap", () => markThisDevice(endpoint));

  root.querySelector("[data-push-enable]").addEventListener("click", async () => {
    try {
      const permission = await Notification.requestPermission(); // asked only from this tap
      if (permission !== "granted") return show(root, permission === "denied" ? "blocked" : "off");
      reg = reg || (await registration());
      if (!reg) throw new Error("Callboard is still getting ready on this device. Reload the page and try again.");
      endpoint = (await subscribe(root, reg)).endpoint;
      show(root, "on");
      refreshDevices(root);
    } catch (error) {
      show(root, "off", error.message || "Push alerts could not be turned on.");
    }
  });

  root.querySelector("[data-push-disable]").addEventListener("click", async () => {
    const subscription = reg && (await reg.pushManager.getSubscription());
    if (subscription) {
      await send("DELETE", root.dataset.subscribeUrl, { endpoint: subscription.endpoint }).catch(() => null);
      await subscription.unsubscribe();
    }
    endpoint = null;
    show(root, "off");
    refreshDevices(root);
  });
}

if (typeof document !== "undefined") {
  const root = document.querySelector("[data-push-optin]");
  if (root) start(root).catch((error) => show(root, "unsupported", error.message));
}

export { STATES };
