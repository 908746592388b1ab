"""How a simulated browser behaves: the client-side regressions and its timing knobs."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ClientOptions:
    proactive_refresh: bool = True  # False = regression "no_proactive_refresh"
    shared_lock: bool = True  # False = regression "per_tab_lock": lock and token per tab
    retry_delays: tuple[float, ...] = (1.0, 2.0, 4.0)  # backoff before each refresh retry
    skew_seconds: float = 0.0  # this client's clock minus the virtual (server) clock
    timer_interval_seconds: float = 30.0

    def __post_init__(self) -> None:
        if self.timer_interval_seconds <= 0:
            raise ValueError("timer_interval_seconds must be positive")
        if any(delay < 0 for delay in self.retry_delays):
            raise ValueError("retry_delays must not be negative")

    @property
    def regressions(self) -> tuple[str, ...]:
        names = []
        if not self.proactive_refresh:
            names.append("no_proactive_refresh")
        if not self.shared_lock:
            names.append("per_tab_lock")
        return tuple(names)

    def with_regressions(self, names: Iterable[str]) -> ClientOptions:
        """These options plus the client-side regressions among `names` (others are ignored)."""
        wanted = set(names)
        return dataclasses.replace(
            self,
            proactive_refresh=self.proactive_refresh and "no_proactive_refresh" not in wanted,
            shared_lock=self.shared_lock and "per_tab_lock" not in wanted,
        )
