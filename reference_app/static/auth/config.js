// Session settings from the server (GET /api/auth/config): the single source of every TTL,
// and of the refresh algorithm's constants (`client`), shared with the Python client.

const HEADERS = { "X-Requested-With": "session-harness" };

let loaded = null;
let current = null;

/** Fetch the config once per page; later calls share the same promise. */
export function loadConfig() {
  if (loaded === null) {
    loaded = fetch("/api/auth/config", { headers: HEADERS }).then(async (response) => {
      if (!response.ok) throw new Error(`config: HTTP ${response.status}`);
      current = await response.json();
      return current;
    });
    loaded.catch(() => { loaded = null; });
  }
  return loaded;
}

/** The loaded config (call after loadConfig() resolved). */
export function config() {
  if (current === null) throw new Error("auth config not loaded");
  return current;
}

/** The algorithm's constants: tick, backoff, heartbeat cap, lock timeout, codes, texts. */
export function client() {
  return config().client;
}

export function regression(name) {
  return current !== null && (current.regressions || []).includes(name);
}
