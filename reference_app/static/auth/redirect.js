// Leaving for the login page and coming back: reason messages, the return path, the chat draft.

const DRAFT_KEY = "session-harness:draft";

export const MESSAGES = {
  session_idle: "You were signed out after a period of inactivity.",
  refresh_expired: "Your session has expired. Please sign in again.",
  session_expired: "Your session has expired. Please sign in again.",
  refresh_reused: "Your session was ended for your security. Please sign in again.",
  session_revoked: "Your session was ended for your security. Please sign in again.",
  logout: "You have signed out.",
};
const FALLBACK_MESSAGE = "Please sign in again.";

/** The message the login page shows for a reason code ("" when there is no reason). */
export function messageFor(reason) {
  if (!reason) return "";
  return MESSAGES[reason] || FALLBACK_MESSAGE;
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
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  if (value === "/login" || value.startsWith("/login?")) return "/";
  return value;
}

export function saveDraft(text) {
  try {
    if (text) localStorage.setItem(DRAFT_KEY, text);
    else localStorage.removeItem(DRAFT_KEY);
  } catch {
    // Storage full or disabled: the draft is a convenience, not state.
  }
}

export function loadDraft() {
  try {
    return localStorage.getItem(DRAFT_KEY) || "";
  } catch {
    return "";
  }
}
