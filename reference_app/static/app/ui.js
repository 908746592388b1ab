// Page chrome shared by the chat page: the connection banner and the session warning dialog.

import { subscribe } from "../auth/store.js";

const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

/** Show the banner while the auth state carries a connection-problem message. */
export function bindBanner() {
  const banner = byTestId("banner");
  subscribe((state) => {
    banner.textContent = state.banner || "";
    banner.hidden = state.banner === null;
  });
}

function formatSeconds(seconds) {
  const whole = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

const TEXT = {
  idle: ["Are you still there?", "For your security you will be signed out in", "Stay signed in"],
  absolute: ["Your session is ending", "Your session reaches its maximum length in", "OK"],
};

/** The warning view the idle monitor drives; `onStay` handles the button. */
export function warningView(onStay) {
  const dialog = byTestId("warning-dialog");
  const countdown = byTestId("warning-countdown");
  const stay = byTestId("warning-stay");
  stay.addEventListener("click", onStay);
  return {
    show(kind, secondsLeft) {
      const [title, lead, button] = TEXT[kind];
      dialog.dataset.kind = kind;
      dialog.querySelector("h2").textContent = title;
      dialog.querySelector(".warning-lead").textContent = lead;
      countdown.textContent = formatSeconds(secondsLeft);
      countdown.dataset.seconds = String(Math.max(0, Math.ceil(secondsLeft)));
      stay.textContent = button;
      if (dialog.hidden) {
        dialog.hidden = false;
        stay.focus();
      }
    },
    hide() {
      dialog.hidden = true;
      delete dialog.dataset.kind;
    },
  };
}
