// The login page: shows why the user is here, signs in, returns to `next` (draft restored there).

import { loadConfig } from "../auth/config.js";
import { login } from "../auth/session.js";
import { messageFor, safeNext } from "../auth/redirect.js";
import { recordActivity } from "../auth/idle.js";

const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

function showReason(params) {
  const message = messageFor(params.get("reason"));
  if (!message) return;
  const note = document.createElement("p");
  note.className = "notice";
  note.setAttribute("role", "status");
  note.dataset.testid = "login-message";
  note.textContent = message;
  document.querySelector("form").before(note);
}

async function onSubmit(event) {
  event.preventDefault();
  const error = byTestId("login-error");
  const submit = byTestId("login-submit");
  error.hidden = true;
  error.textContent = "";
  submit.disabled = true;
  try {
    const failure = await login(byTestId("login-email").value.trim(), byTestId("login-password").value);
    if (failure === null) {
      recordActivity("user"); // a fresh sign-in starts a fresh idle period
      location.assign(safeNext(new URLSearchParams(location.search).get("next")));
      return;
    }
    error.textContent = failure.message || "Sign-in failed.";
  } catch {
    error.textContent = "Cannot reach the server. Check your connection and try again.";
  }
  error.hidden = false;
  submit.disabled = false;
}

document.body.dataset.auth = "signed-out";
document.querySelector("form").addEventListener("submit", onSubmit);
// The texts are served with the config; without it the form still works, with no reason shown.
loadConfig().then(() => showReason(new URLSearchParams(location.search)), () => {});
