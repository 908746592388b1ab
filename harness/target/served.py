"""What an app serves about its own session settings (the reference app's config protocol).

An app with `[capabilities] config` answers that path with its TTLs and thresholds; the
harness trusts those over the profile's promise, so neither can drift from the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.target.model import Policy

# Served name → promise field.
_PROMISE_FIELDS = {
    "access_ttl_seconds": "access_ttl_seconds",
    "refresh_ttl_seconds": "refresh_ttl_seconds",
    "session_max_seconds": "absolute_seconds",
    "idle_timeout_seconds": "idle_timeout_seconds",
    "rotation_grace_seconds": "grace_seconds",
    "issued_at_leeway_seconds": "issued_at_leeway_seconds",
}


def promise(declared: Policy, served: Mapping[str, Any] | None) -> Policy:
    """The profile's promise with every value the app serves filled in (served wins)."""
    if not served:
        return declared
    update = {
        field: float(served[name])
        for name, field in _PROMISE_FIELDS.items()
        if isinstance(served.get(name), int | float) and not isinstance(served.get(name), bool)
    }
    return declared.model_copy(update=update)


def regressions(served: Mapping[str, Any] | None) -> tuple[str, ...]:
    """Deliberate bugs the app says it runs with (its client must apply the client-side ones)."""
    names = (served or {}).get("regressions") or ()
    return tuple(str(name) for name in names) if isinstance(names, list | tuple) else ()
