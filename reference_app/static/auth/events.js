// Observability: one console line per auth step, read by the harness's browser driver.
// Kinds and fields match harness/events.py.

export function emit(kind, details = {}) {
  console.info("auth-event " + JSON.stringify({ kind, at: Date.now(), ...details }));
}
