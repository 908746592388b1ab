// The profile-wide refresh lock. Web Locks when available; a lock held longer than the
// served `lock_timeout_seconds` is stolen so a frozen tab cannot hang the others. Without
// navigator.locks: a localStorage lease that expires after the same time.

import { client } from "./config.js";

const NAME = "session-harness-refresh";
const LEASE_KEY = "session-harness-auth:lease";
const lockTimeoutMs = () => client().lock_timeout_seconds * 1000;
// Waiters time out at different moments, so one steals and the others see a new holder.
const STEAL_JITTER_MS = 1000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Run `fn({waited})` while holding the profile lock; resolves with fn's result.
 * `waited` is true when another tab held the lock first (it may have just refreshed).
 */
export function withProfileLock(fn) {
  return navigator.locks ? withWebLock(fn) : withLease(fn);
}

async function withWebLock(fn) {
  let work = null;
  let timer = null;
  const run = (waited) => {
    clearTimeout(timer);
    work = fn({ waited });
    // The lock is held until the work settles; its outcome is returned below.
    return work.then(() => undefined, () => undefined);
  };
  const request = async (options, callback) => {
    try {
      await navigator.locks.request(NAME, options, callback);
    } catch (err) {
      // Once our callback ran, a rejection only means another tab stole the lock from us.
      if (work === null) throw err;
    }
  };
  await request({ ifAvailable: true }, (lock) => (lock === null ? undefined : run(false)));
  while (work === null) {
    const holder = await currentHolder();
    const abort = new AbortController();
    timer = setTimeout(() => abort.abort(), lockTimeoutMs() + Math.random() * STEAL_JITTER_MS);
    try {
      await request({ signal: abort.signal }, () => run(true));
    } catch (err) {
      if (err.name !== "AbortError") throw err;
      // Steal only from the holder we waited for; a new holder means the queue is moving.
      if (holder === (await currentHolder())) await request({ steal: true }, () => run(true));
    }
  }
  return work;
}

/** Whether some tab of the profile holds the lock now. */
export async function profileLockHeld() {
  if (!navigator.locks) {
    const lease = readLease();
    return lease !== null && lease.expires > Date.now();
  }
  return (await currentHolder()) !== null;
}

async function currentHolder() {
  const { held } = await navigator.locks.query();
  const lock = held.find((entry) => entry.name === NAME);
  return lock ? lock.clientId : null;
}

function readLease() {
  try {
    return JSON.parse(localStorage.getItem(LEASE_KEY) || "null");
  } catch {
    return null;
  }
}

async function withLease(fn) {
  const owner = Math.random().toString(36).slice(2);
  let waited = false;
  for (;;) {
    const lease = readLease();
    if (lease === null || lease.expires <= Date.now()) {
      localStorage.setItem(LEASE_KEY, JSON.stringify({ owner, expires: Date.now() + lockTimeoutMs() }));
      // Jitter, then confirm: two tabs that wrote at once see only one winner.
      await sleep(20 + Math.random() * 80);
      if (readLease()?.owner === owner) break;
    } else {
      waited = true;
      await sleep(50 + Math.random() * 50);
    }
  }
  try {
    return await fn({ waited });
  } finally {
    if (readLease()?.owner === owner) localStorage.removeItem(LEASE_KEY);
  }
}
