// Leaving for the login page and coming back: reason messages, the return path, the chat draft.

import { client, regression } from "./config.js";

// One draft per user: another user signing in on the same browser profile never sees it.
const draftKey = (user) => `session-harness:draft:${user}`;

/** The message the login page shows for a reason code ("" when there is no reason). */
export function messageFor(reason) {
  if (!reason) return "";
  const { messages, default_message: fallback } = client();
  return Object.hasOwn(messages, reason) ? messages[reason] : fallback;
}

/** Go to /login with the reason (omitted for a first visit) and the current path as `next`. */
export function loginUrl(reason) {
  const params = new URLSearchParams();
  if (reason) params.set("reason", reason);
  params.set("next", location.pathname + location.search);
  return "/login?" + params.toString();
}

export function goToLogin(reason) {
  location.assign(loginUrl(reason));
}

/** Only same-origin paths are accepted as `next`, never the login page itself. */
export function safeNext(value) {
  if (regression("login_follows_any_next")) return value || "/";
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  if (value === "/login" || value.startsWith("/login?")) return "/";
  return value;
}

/** Keep `user`'s unsent text (nothing without a user: the tab is signing out). */
export function saveDraft(user, text) {
  if (!user) return;
  try {
    if (text) localStorage.setItem(draftKey(user), text);
    else localStorage.removeItem(draftKey(user));
  } catch {
    // Storage full or disabled: the draft is a convenience, not state.
  }
}

export function loadDraft(user) {
  if (!user) return "";
  try {
    return localStorage.getItem(draftKey(user)) || "";
  } catch {
    return "";
  }
}

export function discardDraft(user) {
  saveDraft(user, "");
}
