// Signing in and out of this tab: login, the post-login hand-off, and ending the session.

import * as store from "./store.js";
import { announceToken, post } from "./channel.js";
import { emit } from "./events.js";
import { discardDraft, goToLogin, messageFor } from "./redirect.js";

const HEADERS = { "X-Requested-With": "session-harness" };
// One-shot hand-off of the token from the login page to the page it returns to (same tab).
const HANDOFF_KEY = "session-harness-auth:handoff";

let ending = false;

/** POST /api/auth/login; resolves with null on success or the server's error body. */
export async function login(email, password) {
  const response = await fetch("/api/auth/login", {
    method: "POST",
    credentials: "same-origin",
    headers: { ...HEADERS, "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) return { error: body.error || `http_${response.status}`, message: body.message || "" };
  const snapshot = store.applyTokenResponse(body);
  emit("logged_in", { access_expires_at: body.access_expires_at, session_expires_at: body.session_expires_at });
  announceToken(snapshot);
  sessionStorage.setItem(HANDOFF_KEY, JSON.stringify(snapshot));
  return null;
}

/** The token the login page left for this tab, if still valid (read once). */
export function takeHandoff() {
  const raw = sessionStorage.getItem(HANDOFF_KEY);
  sessionStorage.removeItem(HANDOFF_KEY);
  const snapshot = raw ? JSON.parse(raw) : null;
  return snapshot && snapshot.expiresAtMs > Date.now() ? snapshot : null;
}

async function revoke() {
  try {
    await fetch("/api/auth/logout", { method: "POST", credentials: "same-origin", headers: HEADERS });
  } catch (err) {
    emit("network_error", { path: "/api/auth/logout", error: String(err.message || err) });
  }
}

/**
 * Leave the signed-in state and go to the login page (once per tab).
 * `reason` null means "never signed in": no message, no broadcast.
 */
export async function endSession(reason, { broadcast = reason !== null, revokeFirst = false } = {}) {
  if (ending) return;
  ending = true;
  const { status, user } = store.auth();
  const wasSignedIn = status === "signed-in";
  // Signing out is leaving on purpose: the draft goes too. A session that ended on its own
  // (expiry, idle, revocation) keeps it for its owner's next sign-in.
  if (reason === "logout" && user) discardDraft(user.email);
  if (revokeFirst) await revoke();
  store.clear();
  if (wasSignedIn) emit("logged_out", { reason });
  if (broadcast) post("signed_out", { reason });
  emit("redirect_to_login", { reason: reason || "not_signed_in", message: messageFor(reason) });
  goToLogin(reason);
}

export function isEnding() {
  return ending;
}

export function logout() {
  return endSession("logout", { revokeFirst: true });
}
