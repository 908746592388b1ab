// Messages between the tabs of one profile: "token", "token_request", "signed_out", "activity".

const NAME = "session-harness-auth";
// The latest token's expiry (never the token) so a tab can tell a broadcast is on its way.
const ANNOUNCED_KEY = "session-harness-auth:announced";

export const tabId = Math.random().toString(36).slice(2, 10);

const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(NAME) : null;
const handlers = new Map();

if (channel !== null) {
  channel.onmessage = (event) => {
    const message = event.data || {};
    for (const handler of handlers.get(message.type) || []) handler(message);
  };
}

export function post(type, payload = {}) {
  if (channel !== null) channel.postMessage({ type, from: tabId, ...payload });
}

/** Subscribe to one message type; returns the unsubscribe function. */
export function on(type, handler) {
  if (!handlers.has(type)) handlers.set(type, new Set());
  handlers.get(type).add(handler);
  return () => handlers.get(type).delete(handler);
}

/** Ask the other tabs for their token; resolves with a snapshot or null after `timeoutMs`. */
export function requestToken(timeoutMs) {
  return new Promise((resolve) => {
    const finish = (snap) => {
      unsubscribe();
      clearTimeout(timer);
      resolve(snap);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    const unsubscribe = on("token", (message) => finish(message.snapshot));
    post("token_request");
  });
}

/** Publish a new token to the profile: broadcast it and note its expiry in localStorage. */
export function announceToken(snapshot) {
  try {
    const { accessExpiresAt, expiresAtMs } = snapshot;
    localStorage.setItem(ANNOUNCED_KEY, JSON.stringify({ accessExpiresAt, expiresAtMs, at: Date.now() }));
  } catch {
    // Without storage the broadcast alone still reaches the open tabs.
  }
  post("token", { snapshot });
}

/** Expiry of the profile's latest announced token, or null. */
export function lastAnnounced() {
  try {
    return JSON.parse(localStorage.getItem(ANNOUNCED_KEY) || "null");
  } catch {
    return null;
  }
}
