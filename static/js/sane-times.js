// Sane times on the phone: a check-in long before the person's call, or a wrap before their
// check-in or call, asks "Are you sure?" in the check-in section before it is queued.
import { actionMatches, firstCheckIn, oddTap } from "/sw/ui.js";

// "Are you sure?" in the check-in section itself: resolves true (confirmed) or false (cancelled).
function askSure(section, form, question) {
  const kind = form.dataset.outboxKind;
  section.querySelector("[data-checkin-confirm]")?.remove();
  const box = Object.assign(document.createElement("div"), { className: "checkin-confirm" });
  box.dataset.checkinConfirm = kind;
  box.setAttribute("role", "alertdialog");
  box.setAttribute("aria-label", "Are you sure?");
  const text = Object.assign(document.createElement("p"), { textContent: `Are you sure? ${question}` });
  const yes = Object.assign(document.createElement("button"), {
    type: "button", className: "primary", textContent: kind === "check_in" ? "Yes, check in" : "Yes, wrap",
  });
  const no = Object.assign(document.createElement("button"), { type: "button", textContent: "Cancel" });
  const actions = Object.assign(document.createElement("div"), { className: "actions" });
  actions.append(yes, no);
  box.append(text, actions);
  form.after(box);  // right under the button that was tapped
  yes.focus();
  return new Promise((resolve) => {
    const answer = (sure) => () => {
      box.remove();
      resolve(sure);
    };
    yes.addEventListener("click", answer(true));
    no.addEventListener("click", answer(false));
  });
}

// A check-in long before the call, or a wrap before the check-in or the call, asks first;
// the answer travels as `confirmed` (the server flags the time either way: sync/PROTOCOL.md).
export async function sureOfTime(form, payload, tappedAt, actions) {
  const section = form.closest("[data-checkin]");
  const kind = form.dataset.outboxKind;
  if (!section || payload.confirmed) return true;
  const mine = actions.filter((a) => actionMatches(a, {
    kinds: ["check_in"], productionId: section.dataset.productionId, fields: { shoot_day_id: section.dataset.shootDayId },
  }));
  const question = oddTap(kind, tappedAt, {
    callAt: section.dataset.callAt, call: section.dataset.call, windowMinutes: section.dataset.earlyWindowMinutes,
    checkedInAt: firstCheckIn(section.dataset.checkedInAt, mine),
  });
  if (!question) return true;
  if (!(await askSure(section, form, question))) return false;
  payload.confirmed = "1";
  return true;
}
