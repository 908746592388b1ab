// The one auth client: every API request, JSON or streaming, goes through apiFetch().
// Implements docs/refresh-algorithm.md: proactive refresh, one refresh + one retry on 401,
// single flight per tab and (through the profile lock) per profile.

import { client, config, regression } from "./config.js";
import * as store from "./store.js";
import { announceToken, lastAnnounced, on, post, requestToken } from "./channel.js";
import { profileLockHeld, withProfileLock } from "./lock.js";
import { emit } from "./events.js";
import { endSession, isEnding } from "./session.js";
import { recordActivity } from "./idle.js";

const HEADERS = { "X-Requested-With": "session-harness" };
const REFRESH_PATH = "/api/auth/refresh";
const TOKEN_WAIT_MS = 500;
// Regression `refresh_of_refresh`: how often a refused refresh is refreshed again.
const REFRESH_OF_REFRESH_TRIES = 3;

/** The session ended; the page is on its way to /login. */
export class AuthEnded extends Error {}
/** Refresh failed on the network or a 5xx after every retry; the user stays signed in. */
export class ConnectionProblem extends Error {}

let inflight = null;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const shared = () => !regression("per_tab_lock");
/** How often each tab's timer runs (ms), as served. */
export const tickMs = () => client().tick_seconds * 1000;
const isFresh = (snap) => snap !== null && (snap.expiresAtMs - Date.now()) / 1000 > config().refresh_threshold_seconds;

async function errorCode(response) {
  const body = await response.clone().json().catch(() => ({}));
  return body.error || `http_${response.status}`;
}

function describe(err) {
  return String((err && err.message) || err);
}

/** Adopt a token another tab refreshed, if it is newer than ours. */
function adoptShared(snap) {
  const mine = store.auth();
  if (!snap || mine.status === "signed-out" || snap.token === mine.token) return false;
  if (mine.token !== null && snap.expiresAtMs <= mine.expiresAtMs) return false;
  store.adopt(snap);
  store.setBanner(null);
  emit("token_adopted", { access_expires_at: snap.accessExpiresAt });
  return true;
}

/**
 * Step 3: inside the lock, use a token another tab got since `startedWith` was current.
 * Its broadcast can trail the lock hand-over, so a tab that waited for the lock, or sees
 * a newer token noted in localStorage, asks the other tabs before refreshing itself.
 */
async function recheck(startedWith, waited) {
  const usable = () => {
    const mine = store.snapshot();
    return mine !== null && mine.token !== startedWith && isFresh(mine) ? mine.token : null;
  };
  if (usable() !== null) return usable();
  const announced = lastAnnounced();
  const newerNoted = announced !== null && isFresh(announced)
    && announced.accessExpiresAt !== store.auth().accessExpiresAt;
  if (!waited && !newerNoted) return null;
  adoptShared(await requestToken(TOKEN_WAIT_MS));
  return usable();
}

// Answers to a refresh worth another try after the backoff (harness/core/decisions.py says the same).
const TRY_AGAIN_STATUSES = [408, 429];

async function postRefresh() {
  let response;
  try {
    response = await fetch(REFRESH_PATH, { method: "POST", credentials: "same-origin", headers: HEADERS });
    if (response.ok) return { body: await response.json() };
  } catch (err) {
    emit("network_error", { path: REFRESH_PATH, error: describe(err) });
    return { error: "network" };
  }
  const code = await errorCode(response);
  // A rate limit or a timeout is "not now": retried like a 5xx. Any other refusal is final,
  // unless regression `refusal_retried` retries it too (and ends on the banner).
  const later = TRY_AGAIN_STATUSES.includes(response.status) || regression("refusal_retried");
  return { error: code, fatal: response.status < 500 && !later };
}

async function failFatal(code) {
  emit("refresh_failed", { error: code, fatal: true });
  // No cookie before this page ever signed in is a first visit, not a lost session.
  const firstVisit = code === "refresh_missing" && store.auth().status === "unknown";
  endSession(firstVisit ? null : code);
  throw new AuthEnded(code);
}

/** The session ended in this or another tab (signed_out broadcast): no more refresh requests. */
function stopIfEnding() {
  if (isEnding()) throw new AuthEnded("ending");
}

/** Steps 4-6: POST /api/auth/refresh with backoff on network errors and 5xx. */
async function requestRefresh(reason) {
  stopIfEnding();
  emit("refresh_started", { reason });
  const delays = client().retry_delays_seconds;
  let error = "";
  let refused = 0;
  for (let attempt = 0; ; attempt++) {
    const outcome = await postRefresh();
    if (outcome.fatal && regression("refresh_of_refresh") && refused++ < REFRESH_OF_REFRESH_TRIES) {
      attempt = -1; // the refresh's own 401 intercepted and refreshed again
      continue;
    }
    if (outcome.body) {
      const snap = store.applyTokenResponse(outcome.body);
      if (shared()) announceToken(snap);
      store.setBanner(null);
      emit("refresh_succeeded", { access_expires_at: outcome.body.access_expires_at });
      return snap.token;
    }
    if (outcome.fatal) return failFatal(outcome.error);
    error = outcome.error;
    if (attempt >= delays.length) break;
    emit("refresh_retry", { attempt: attempt + 1, delay_s: delays[attempt], error });
    await sleep(delays[attempt] * 1000);
    stopIfEnding();
  }
  if (regression("network_error_signs_out")) return failFatal(error);
  emit("refresh_failed", { error, fatal: false });
  const banner = client().banner_connection;
  if (store.auth().banner === null) emit("banner_shown", { message: banner });
  store.setBanner(banner);
  throw new ConnectionProblem(error);
}

async function runRefresh(reason, startedWith) {
  if (!shared()) return requestRefresh(reason);
  return withProfileLock(async ({ waited }) => (await recheckUnlessBroken(startedWith, waited)) ?? requestRefresh(reason));
}

async function recheckUnlessBroken(startedWith, waited) {
  if (regression("no_lock_recheck")) return null;
  const found = await recheck(startedWith, waited);
  // Regression `no_cookie_fallback`: a page that got no token from another tab gives up.
  if (found === null && startedWith === null && regression("no_cookie_fallback")) {
    endSession(null);
    throw new AuthEnded("no_token");
  }
  return found;
}

/** Single flight in this tab: callers during a refresh share its promise. */
export function refresh(reason, startedWith = store.auth().token) {
  if (inflight === null) {
    inflight = runRefresh(reason, startedWith).finally(() => { inflight = null; });
  }
  return inflight;
}

/** A token with more than the threshold left (proactive path); waits for a refresh in flight. */
export async function ensureFresh() {
  const mine = store.snapshot();
  if (inflight === null && mine !== null && (regression("no_proactive_refresh") || isFresh(mine))) {
    return mine.token;
  }
  try {
    return await refresh("proactive", mine === null ? null : mine.token);
  } catch (err) {
    // A still-valid token beats failing the request because the network hiccuped.
    if (err instanceof ConnectionProblem && store.secondsLeft() > 0) return store.auth().token;
    throw err;
  }
}

/** The token to retry with after `failedToken` got a 401; a newer one is reused, not refreshed. */
function refreshAfter(failedToken) {
  const mine = store.snapshot();
  if (inflight === null && mine !== null && mine.token !== failedToken && isFresh(mine)) {
    return Promise.resolve(mine.token);
  }
  return refresh("reactive", failedToken);
}

async function send(path, init, token) {
  const headers = new Headers(init.headers);
  headers.set("X-Requested-With", HEADERS["X-Requested-With"]);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  if (typeof init.body === "string" && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  try {
    return await fetch(path, { ...init, headers, credentials: "same-origin" });
  } catch (err) {
    emit("network_error", { path, error: describe(err) });
    throw err;
  }
}

/** Returns the 401's error code after ending the session when it is fatal. */
async function unauthorized(path, response) {
  const code = await errorCode(response);
  emit("unauthorized", { path, error: code });
  if (code.startsWith("session_")) {
    endSession(code);
    throw new AuthEnded(code);
  }
  return code;
}

/** fetch() for the API: fresh bearer token, one refresh and one retry on a 401. */
export async function apiFetch(path, init = {}) {
  stopIfEnding();
  const token = await ensureFresh();
  recordActivity("api");
  const response = await send(path, init, token);
  if (response.status !== 401) return response;
  if (!client().retryable_errors.includes(await unauthorized(path, response))) return response;
  if (regression("drop_early_401") && (inflight !== null || (await profileLockHeld()))) return response;
  const retried = await send(path, init, await refreshAfter(token));
  if (retried.status === 401) await unauthorized(path, retried);
  return retried;
}

/** apiFetch + JSON body; throws Error(code) on a non-2xx answer. */
export async function apiJson(path, init = {}) {
  const response = await apiFetch(path, init);
  if (!response.ok) throw new Error(await errorCode(response));
  return response.json();
}

/** Regression `stream_raw_fetch`: a bare fetch with the in-memory token, no refresh, no retry. */
export async function rawFetch(path, init = {}) {
  const response = await send(path, init, store.auth().token);
  if (response.status === 401) {
    const code = await errorCode(response);
    emit("unauthorized", { path, error: code });
    endSession(code);
    throw new AuthEnded(code);
  }
  return response;
}

async function tick() {
  if (store.auth().status !== "signed-in" || document.visibilityState === "hidden") return;
  if (regression("no_proactive_refresh") || isFresh(store.snapshot())) return;
  // Taken before the wait below: a token adopted meanwhile must read as "another tab
  // refreshed" in the re-check, not as the token this tick set out to replace.
  const startedWith = store.auth().token;
  // Another tab is refreshing: its broadcast brings the token. Once ours has expired, wait
  // in the lock queue anyway, so a frozen holder is stolen from instead of blocking us.
  if (shared() && store.secondsLeft() > 0 && (await profileLockHeld())) return;
  refresh("timer", startedWith).catch(() => {}); // failures already surfaced: banner or redirect
}

/** Start the timer and the cross-tab listeners (call once per page, after loadConfig()). */
export function startClient() {
  on("token", (message) => { if (shared()) adoptShared(message.snapshot); });
  on("token_request", () => {
    const mine = store.snapshot();
    if (shared() && mine !== null && isFresh(mine)) post("token", { snapshot: mine });
  });
  on("signed_out", (message) => endSession(message.reason, { broadcast: false }));
  setInterval(tick, tickMs());
  document.addEventListener("visibilitychange", tick);
}
