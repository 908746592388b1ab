// The auth context: the one place that holds this tab's auth state.
// The access token lives in memory only; expiries are kept in *local* clock time
// (server time minus measured skew), so threshold checks survive a skewed client clock.

import { regression } from "./config.js";

const listeners = new Set();

const state = {
  status: "unknown", // "unknown" | "signed-in" | "signed-out"
  token: null,
  accessExpiresAt: null, // ISO server time, as received
  expiresAtMs: 0, // local Date.now() scale
  sessionExpiresAtMs: 0,
  user: null,
  skewMs: 0,
  banner: null, // connection-problem message, or null
};

export function auth() {
  return state;
}

export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed() {
  if (state.status !== "unknown") document.body.dataset.auth = state.status;
  for (const listener of listeners) listener(state);
}

/** Snapshot of the token for other tabs (same machine, so local times carry over). */
export function snapshot() {
  if (state.token === null) return null;
  const { token, accessExpiresAt, expiresAtMs, sessionExpiresAtMs, user } = state;
  return { token, accessExpiresAt, expiresAtMs, sessionExpiresAtMs, user };
}

/** Server time minus this browser's clock (0 under the `ignore_clock_skew` regression). */
function skewOf(body) {
  return regression("ignore_clock_skew") ? 0 : Date.parse(body.server_time) - Date.now();
}

/** Store a token response from login or refresh; returns the new snapshot. */
export function applyTokenResponse(body) {
  state.skewMs = skewOf(body);
  return adopt({
    token: body.access_token,
    accessExpiresAt: body.access_expires_at,
    expiresAtMs: Date.parse(body.access_expires_at) - state.skewMs,
    sessionExpiresAtMs: Date.parse(body.session_expires_at) - state.skewMs,
    user: body.user,
  });
}

/** Take a token snapshot (own or another tab's); returns it. */
export function adopt(snap) {
  Object.assign(state, snap, { status: "signed-in" });
  changed();
  return snap;
}

/** Update session deadlines from GET /api/auth/session. */
export function applySession(body) {
  state.skewMs = skewOf(body);
  state.sessionExpiresAtMs = Date.parse(body.session_expires_at) - state.skewMs;
  state.user = body.user;
  changed();
}

export function secondsLeft() {
  return state.token === null ? 0 : (state.expiresAtMs - Date.now()) / 1000;
}

export function setBanner(message) {
  if (state.banner === message) return;
  state.banner = message;
  changed();
}

export function clear() {
  Object.assign(state, {
    status: "signed-out", token: null, accessExpiresAt: null, expiresAtMs: 0,
    sessionExpiresAtMs: 0, user: null, banner: null,
  });
  changed();
}
