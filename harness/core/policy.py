"""The client algorithm's parameters: harness defaults, the profile's, then the app's own."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.target.defaults import (
    BANNER_CONNECTION,
    DEFAULT_MESSAGE,
    HEARTBEAT_MAX_SECONDS,
    LOCK_TIMEOUT_SECONDS,
    RETRY_DELAYS,
    RETRYABLE,
    THRESHOLD_CAP_S,
    THRESHOLD_SHARE,
    TICK_SECONDS,
)
from harness.target.defaults import MESSAGES as DEFAULT_MESSAGES

CLIENT_REGRESSIONS = frozenset({"no_proactive_refresh", "per_tab_lock"})
# Client bugs of the reference app's catalogue the simulated client can have too (served in
# its config): each is one check in the algorithm (docs/regressions.md).
CLIENT_BUGS = frozenset(
    {
        "ignore_clock_skew",
        "no_lock_recheck",
        "drop_early_401",
        "refresh_of_refresh",
        "no_expiry_warning",
        "no_heartbeat",
        "heartbeat_every_activity",
        "network_error_signs_out",
        "refusal_retried",
    }
)


@dataclass(frozen=True)
class ClientOptions:
    """Per-profile knobs a scenario sets: injected client bugs, a skewed clock, timings.

    `retry_delays` and `timer_interval_seconds` default to the policy's (None).
    """

    proactive_refresh: bool = True  # False = regression "no_proactive_refresh"
    shared_lock: bool = True  # False = regression "per_tab_lock": lock and token per tab
    retry_delays: tuple[float, ...] | None = None
    skew_seconds: float = 0.0  # this client's clock minus the virtual (server) clock
    timer_interval_seconds: float | None = None
    bugs: frozenset[str] = frozenset()  # names from CLIENT_BUGS

    def __post_init__(self) -> None:
        if self.timer_interval_seconds is not None and self.timer_interval_seconds <= 0:
            raise ValueError("timer_interval_seconds must be positive")
        if any(delay < 0 for delay in self.retry_delays or ()):
            raise ValueError("retry_delays must not be negative")
        if not self.bugs <= CLIENT_BUGS:
            raise ValueError(f"unknown client bug(s): {', '.join(sorted(self.bugs - CLIENT_BUGS))}")

    @property
    def regressions(self) -> tuple[str, ...]:
        names = []
        if not self.proactive_refresh:
            names.append("no_proactive_refresh")
        if not self.shared_lock:
            names.append("per_tab_lock")
        return (*names, *sorted(self.bugs))

    def with_regressions(self, names: Iterable[str]) -> ClientOptions:
        """These options plus the client-side regressions among `names` (others are ignored)."""
        wanted = set(names)
        return dataclasses.replace(
            self,
            proactive_refresh=self.proactive_refresh and "no_proactive_refresh" not in wanted,
            shared_lock=self.shared_lock and "per_tab_lock" not in wanted,
            bugs=self.bugs | (wanted & CLIENT_BUGS),
        )


@dataclass(frozen=True)
class ClientPolicy:
    """Every number and text the refresh algorithm acts on, resolved for one app."""

    refresh_threshold_seconds: float | None = None  # None: THRESHOLD_SHARE of the lifetime
    tick_seconds: float = TICK_SECONDS
    retry_delays: tuple[float, ...] = RETRY_DELAYS
    heartbeat_max_seconds: float = HEARTBEAT_MAX_SECONDS
    lock_timeout_seconds: float = LOCK_TIMEOUT_SECONDS
    idle_timeout_seconds: float | None = None  # the client's own idle sign-out; None: off
    warning_lead_seconds: float = 0.0
    retryable: frozenset[str] = RETRYABLE
    messages: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_MESSAGES))
    default_message: str = DEFAULT_MESSAGE
    banner_connection: str = BANNER_CONNECTION
    proactive_refresh: bool = True
    shared_lock: bool = True
    bugs: frozenset[str] = frozenset()  # injected client bugs (ClientOptions.bugs)
    # Whether these are the client's own numbers and words (served, or the simulated
    # client's). A page that brings its own client does not tell them: they are then only
    # the harness's expectations (its retries, its texts), never a verdict on the page.
    known: bool = True

    def has(self, bug: str) -> bool:
        """Whether this client runs with the injected bug `bug` (a CLIENT_BUGS name)."""
        return bug in self.bugs

    def message_for(self, reason: str) -> str:
        """What the login page says after a redirect caused by `reason`."""
        return self.messages.get(reason, self.default_message)

    def threshold_for(self, lifetime_seconds: float | None) -> float:
        """Seconds before expiry at which a token is refreshed (0 without proactive refresh)."""
        if not self.proactive_refresh:
            return 0.0
        if self.refresh_threshold_seconds is not None:
            return self.refresh_threshold_seconds
        if lifetime_seconds is None:
            return 0.0
        return min(THRESHOLD_CAP_S, THRESHOLD_SHARE * lifetime_seconds)

    def with_options(self, options: ClientOptions) -> ClientPolicy:
        return dataclasses.replace(
            self,
            proactive_refresh=options.proactive_refresh,
            shared_lock=options.shared_lock,
            retry_delays=self.retry_delays
            if options.retry_delays is None
            else options.retry_delays,
            tick_seconds=options.timer_interval_seconds or self.tick_seconds,
            bugs=options.bugs,
        )

    def with_served(self, served: Mapping[str, Any]) -> ClientPolicy:
        """Apply what an app serves about its client (the reference app's session config)."""
        client = served.get("client") or {}
        changes: dict[str, Any] = {}
        for name in ("refresh_threshold_seconds", "warning_lead_seconds"):
            if isinstance(served.get(name), int | float):
                changes[name] = float(served[name])
        idle = served.get("idle_timeout_seconds")
        if isinstance(idle, int | float):
            changes["idle_timeout_seconds"] = float(idle) or None
        for name in ("tick_seconds", "heartbeat_max_seconds", "lock_timeout_seconds"):
            if isinstance(client.get(name), int | float):
                changes[name] = float(client[name])
        if isinstance(client.get("retry_delays_seconds"), list):
            changes["retry_delays"] = tuple(float(d) for d in client["retry_delays_seconds"])
        if isinstance(client.get("retryable_errors"), list):
            changes["retryable"] = frozenset(map(str, client["retryable_errors"]))
        if isinstance(client.get("messages"), dict):
            changes["messages"] = {str(k): str(v) for k, v in client["messages"].items()}
        for name in ("default_message", "banner_connection"):
            if isinstance(client.get(name), str):
                changes[name] = client[name]
        return dataclasses.replace(self, **changes)
