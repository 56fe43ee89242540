// What the page says about offline copies and queued actions: pure functions, no DOM.
export const FORM_ONLY = new Set(["csrf_token", "op_id", "next"]);

export function clockOf(iso, timeZone = undefined) {
  const moment = new Date(iso);
  if (!iso || Number.isNaN(moment.getTime())) return "";
  return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone })
    .format(moment);
}

export function minutesClock(minutes) {
  if (typeof minutes !== "number") return String(minutes ?? "");
  const hours = Math.floor(minutes / 60);
  return `${String(hours).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

export function bannerText({ colour, number, publishedAt, savedAt } = {}, timeZone = undefined) {
  const parts = [];
  if (colour) parts.push(`revision ${colour}`);
  else if (number) parts.push(`revision ${number}`);
  const published = clockOf(publishedAt, timeZone);
  if (published) parts.push(`published ${published}`);
  const saved = clockOf(savedAt, timeZone);
  if (saved) parts.push(`saved on this phone ${saved}`);
  return parts.length ? `Offline — ${parts.join(", ")}` : "Offline";
}

export function statusText(action) {
  if (!action) return "";
  if (action.state === "pending") return "Pending — will send when there is signal";
  if (action.state === "synced" && action.result?.flag) {
    return `Synced — the office sees an odd time: ${action.result.flag}`;
  }
  if (action.state === "synced") return "Synced";
  if (action.state === "conflict") return "Changed on the server meanwhile — choose a value";
  if (action.state === "failed") return `Failed — ${action.reason || "refused by the server"}`;
  return "";
}

export function payloadFromEntries(entries) {
  const payload = {};
  for (const [name, value] of entries) {
    if (!FORM_ONLY.has(name) && typeof value === "string") payload[name] = value;
  }
  return payload;
}

export function actionMatches(action, { kinds, productionId, fields }) {
  if (!kinds.includes(action.kind) || action.productionId !== Number(productionId)) return false;
  return Object.entries(fields).every(([name, value]) => String(action.payload?.[name] ?? "") === String(value));
}

// Check-in section: what it shows after the actions this phone took since the page was made.
export function checkinView(serverState, actions, timeZone = undefined) {
  let view = { state: serverState, label: null };
  for (const action of [...actions].sort((a, b) => a.tappedAt.localeCompare(b.tappedAt))) {
    if (action.state === "failed" || action.state === "resolved") continue;
    const at = clockOf(action.tappedAt, timeZone);
    if (action.kind === "check_in") view = { state: "in", label: `Checked in ${at}` };
    else if (action.kind === "check_out") view = { state: "wrapped", label: `Wrapped ${at}` };
    else if (action.kind === "running_late" && view.state !== "in" && view.state !== "wrapped") {
      const eta = /^\d+$/.test(String(action.payload.eta)) ? minutesClock(Number(action.payload.eta)) : action.payload.eta;
      view = { state: "late", label: `Running late · ETA ${eta}` };
    }
  }
  return view;
}

export function conflictText(action) {
  const c = action.conflict || {};
  const show = (value) => (typeof value === "number" ? minutesClock(value) : `“${value ?? ""}”`);
  return `${(c.field || "").replace(/_/g, " ")}: yours ${show(c.yours)}, on the server ${show(c.theirs)}`;
}

// Sane times: the same rule as the server (app/checkins/odd_times.py), so the phone asks
// "Are you sure?" before queueing a time the office would find odd. Whole minutes, as a clock shows.
const MINUTE_MS = 60 * 1000;
const toMinute = (ms) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

export function spanText(ms) {
  const total = Math.max(Math.floor(ms / MINUTE_MS), 0);
  const hours = Math.floor(total / 60);
  const minutes = total % 60;
  if (hours && minutes) return `${hours} h ${minutes} min`;
  return hours ? `${hours} h` : `${minutes} min`;
}

export function oddTap(kind, tappedAt, times = {}, timeZone = undefined) {
  const { callAt = "", call = "", windowMinutes = 180, checkedInAt = "" } = times;
  const tap = toMinute(new Date(tappedAt).getTime());
  const callMs = callAt ? Date.parse(callAt) : NaN;
  const beforeCall = () => `It is ${spanText(callMs - tap)} before your ${call} call.`;
  if (Number.isNaN(tap)) return null;
  if (kind === "check_in") {
    return !Number.isNaN(callMs) && tap < callMs - Number(windowMinutes) * MINUTE_MS ? beforeCall() : null;
  }
  if (kind !== "check_out") return null;
  if (!Number.isNaN(callMs) && tap < callMs) return beforeCall();
  const arrived = checkedInAt ? Date.parse(checkedInAt) : NaN;
  return !Number.isNaN(arrived) && tap < toMinute(arrived)
    ? `You checked in at ${clockOf(checkedInAt, timeZone)}: this wrap is before it.` : null;
}

// The earliest check-in the server has, or one this phone tapped and has not had refused.
export function firstCheckIn(serverAt, actions) {
  const taps = actions.filter((a) => a.kind === "check_in" && !["failed", "resolved"].includes(a.state))
    .map((a) => a.tappedAt);
  return [serverAt, ...taps].filter(Boolean).sort((a, b) => Date.parse(a) - Date.parse(b))[0] || "";
}
