"""The network between a profile and the app, broken on purpose by tests.

Plain bookkeeping that both drivers consult: the simulated profile's httpx transport
(`harness.client.network`) and the browser profile's request routing
(`harness.browser.routing`) ask `consume(path)` for each request they send.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal["connect", "lost", "status"]


@dataclass
class Fault:
    """What happens to the next `times` requests whose path starts with `path_prefix`.

    `connect`: never reaches the server; `lost`: the server handles it, the client never
    sees the answer; `status`: answered with `status` and `{"error": error}` by a proxy.
    """

    path_prefix: str
    times: int
    kind: FaultKind
    status: int = 503
    error: str = "unavailable"


@dataclass
class Network:
    """The network between one profile and the app; tests break it on purpose."""

    offline: bool = False
    _faults: list[Fault] = field(default_factory=list)
    _latency: dict[str, float] = field(default_factory=dict)

    def fail_next(
        self,
        path_prefix: str = "/",
        times: int = 1,
        *,
        status: int | None = None,
        error: str = "unavailable",
    ) -> None:
        """The next `times` matching requests fail before reaching the server.

        With `status` they get that HTTP status and `{"error": error}` (a proxy's 503, a
        gateway's 401) instead of a connection error.
        """
        kind: FaultKind = "connect" if status is None else "status"
        self._faults.append(Fault(path_prefix, _positive(times), kind, status or 503, error))

    def lose_next_response(self, path_prefix: str = "/", times: int = 1) -> None:
        """The next `times` matching requests reach the server; the client never sees the answer."""
        self._faults.append(Fault(path_prefix, _positive(times), "lost"))

    def slow(self, path_prefix: str = "/", seconds: float = 0.5) -> None:
        """Every matching request waits `seconds` before it is sent on (a slow link to the
        auth server): requests started together stay in flight together."""
        if seconds < 0:
            raise ValueError(f"seconds must not be negative, got {seconds}")
        self._latency[path_prefix] = seconds

    def latency(self, path: str) -> float:
        """How long a request to `path` waits before it is sent on (the longest prefix wins)."""
        matching = [prefix for prefix in self._latency if path.startswith(prefix)]
        return self._latency[max(matching, key=len)] if matching else 0.0

    def clear(self) -> None:
        self.offline = False
        self._faults.clear()
        self._latency.clear()

    def consume(self, path: str) -> Fault | None:
        """The fault for a request to `path` about to be sent, counted as used; None: deliver."""
        for fault in self._faults:
            if path.startswith(fault.path_prefix):
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
                return fault
        return None


def _positive(times: int) -> int:
    if times < 1:
        raise ValueError(f"times must be at least 1, got {times}")
    return times
