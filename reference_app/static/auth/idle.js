// Idle monitor (AC5-AC7): activity in any tab of the profile resets the idle timer of all;
// a warning with a countdown precedes idle sign-out and the absolute session end.

import { client, config, regression } from "./config.js";
import * as store from "./store.js";
import { on, post } from "./channel.js";
import { emit } from "./events.js";
import { endSession, isEnding } from "./session.js";

const ACTIVITY_KEY = "session-harness-auth:activity";
const CHECK_MS = 1000;
const SHARE_EVERY_MS = 1000;
const USER_INPUT = ["click", "keydown", "wheel", "touchstart"];

const times = { user: 0, api: 0, ownUser: 0, shared: 0, written: 0 };
let warning = null; // "idle" | "absolute" while the dialog is shown
let absoluteDismissed = false;
let pinging = false;
let monitor = null; // { view, ping } once started

function stored() {
  try {
    return JSON.parse(localStorage.getItem(ACTIVITY_KEY) || "null") || {};
  } catch {
    return {};
  }
}

function share() {
  const value = { user: times.user, api: times.api };
  try {
    localStorage.setItem(ACTIVITY_KEY, JSON.stringify(value));
  } catch {
    // The broadcast below still reaches the open tabs.
  }
  post("activity", value);
}

function lastActivity() {
  const saved = stored();
  return Math.max(times.user, times.api, times.shared, saved.user || 0, saved.api || 0);
}

function lastApi() {
  return Math.max(times.api, stored().api || 0);
}

/** Note a user action ("user") or an API call ("api") in this tab. */
export function recordActivity(source) {
  const now = Date.now();
  times[source] = now;
  if (source === "user") times.ownUser = now;
  if (now - times.written >= SHARE_EVERY_MS || warning !== null) {
    times.written = now;
    share();
  }
  if (warning !== null) check();
}

function show(kind, secondsLeft) {
  const already = warning === kind;
  if (!already) {
    if (warning !== null) hide();
    warning = kind;
    emit("warning_shown", { warning: kind, seconds_left: Math.round(secondsLeft) });
  }
  if (already && regression("frozen_countdown")) return; // drawn once, never redrawn
  // Regression `absolute_warning_says_idle`: one dialog text for both ends.
  const says = regression("absolute_warning_says_idle") ? "idle" : kind;
  monitor.view.show(says, secondsLeft);
}

function hide() {
  if (warning === null) return;
  emit("warning_dismissed", { warning });
  warning = null;
  monitor.view.hide();
}

/** A tab where the user acts but sends nothing still tells the server it is active. */
function heartbeat(now) {
  if (regression("no_heartbeat")) return;
  const capped = Math.min(client().heartbeat_max_seconds, config().idle_timeout_seconds / 4) * 1000;
  const every = regression("heartbeat_every_activity") ? 0 : capped;
  if (pinging || times.ownUser <= lastApi() || now - lastApi() < every) return;
  // The refresh just failed: a ping would only repeat it; the refresh timer retries anyway.
  if (store.auth().banner !== null) return;
  pinging = true;
  monitor.ping().catch(() => {}).finally(() => { pinging = false; });
}

function check() {
  const auth = store.auth();
  // While a sign-out revokes the session the tab is still signed in: report the end once.
  if (monitor === null || auth.status !== "signed-in" || isEnding()) return;
  const { idle_timeout_seconds: idle, warning_lead_seconds: lead } = config();
  const now = Date.now();
  const idleEnd = idle > 0 ? lastActivity() + idle * 1000 : Infinity;
  const absoluteEnd = auth.sessionExpiresAtMs || Infinity;
  if (now >= idleEnd) {
    hide();
    emit("idle_logout");
    endSession("session_idle", { revokeFirst: true });
    return;
  }
  if (now >= absoluteEnd) {
    hide();
    endSession("session_expired");
    return;
  }
  const kind = idleEnd <= absoluteEnd ? "idle" : "absolute";
  const end = Math.min(idleEnd, absoluteEnd);
  const dismissed = kind === "absolute" && absoluteDismissed;
  const warns = !dismissed && !regression("no_expiry_warning");
  if (end - now <= lead * 1000 && warns) show(kind, (end - now) / 1000);
  else hide();
  if (idle > 0) heartbeat(now);
}

/** "Stay signed in": counts as activity and calls the server (GET /api/auth/session). */
export function staySignedIn() {
  if (warning === "absolute") absoluteDismissed = true;
  recordActivity("user");
  check();
  return monitor.ping();
}

/**
 * Start watching activity. `view` renders the warning ({show(kind, secondsLeft), hide()});
 * `ping` makes an authenticated call that extends the server's idle deadline.
 */
export function startIdleMonitor({ view, ping }) {
  monitor = { view, ping };
  const saved = stored();
  times.user = saved.user || Date.now(); // opening the page is activity when nothing is stored
  times.api = saved.api || 0;
  const onUser = () => recordActivity("user");
  // Input the user makes; not "scroll", which the page fires itself as replies arrive.
  for (const type of USER_INPUT) {
    window.addEventListener(type, onUser, { capture: true, passive: true });
  }
  on("activity", (message) => {
    times.shared = Math.max(times.shared, message.user || 0, message.api || 0);
    if (warning !== null) check();
  });
  setInterval(check, CHECK_MS);
}
