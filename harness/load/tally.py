"""What one Locust process counted during a storm; the master adds every process's up.

Each process keeps one `Tally` and sends it whole (cumulative, not deltas) to the master,
so a lost or repeated message never counts anything twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

Count = Literal[
    "profiles",  # profiles started
    "signed_in",  # profiles that got a session
    "sign_in_failed",
    "logins",  # sign-ins through the profile's login request (the rest were bulk sessions)
    "false_logouts",  # sent to login while the session should have lasted
    "missed_logouts",  # still signed in after the session should have ended
    "wrong_reasons",  # sent to login when due, with another reason than the deadline's
    "expected_logouts",
    "refresh_flights",  # refreshes started by a tab (a retry after a network error is not one)
    "refresh_retries",
    "refresh_gave_up",  # every try failed: banner, the user stays signed in
    "refresh_refused",  # the app refused the refresh: the session ended
    "renewals",  # a refresh that renewed a due token (the rest renewed nothing new)
    "reuse_detections",  # refreshes refused because a rotated token came back
    "family_revocations",  # profiles signed out because their token family was revoked
    "actions",
    "action_401s",  # user actions whose first answer refused the access token
    "lock_steals",  # a tab took a refresh lock held longer than the lock timeout
    "injected_faults",  # requests failed or stalled on purpose (recovery storm)
]
LATENCY_BUCKET_S = 1  # the chart's resolution


@dataclass
class Tally:
    counts: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)  # why profiles were sent to login
    fates: Counter[str] = field(default_factory=Counter)  # profiles per expected fate
    pending: Counter[int] = field(default_factory=Counter)  # lifetime → due, not yet renewed
    refreshes_per_s: Counter[int] = field(default_factory=Counter)  # second of the storm → n
    latency_ms_per_s: Counter[int] = field(default_factory=Counter)  # second → summed ms
    first_sign_in: float | None = None  # wall time (Unix seconds)
    last_sign_in: float | None = None
    first_login_start: float | None = None
    last_login_end: float | None = None
    judged: bool = False  # this process judged its profiles at the end (Verdict)
    heard: int = 0  # the last lifetime announced to this process

    def add(self, name: Count, n: int = 1) -> None:
        self.counts[name] += n

    def signed_in(self, at: float) -> None:
        self.add("signed_in")
        self.first_sign_in = _low(self.first_sign_in, at)
        self.last_sign_in = _high(self.last_sign_in, at)

    def login_timed(self, started: float, ended: float) -> None:
        self.add("logins")
        self.first_login_start = _low(self.first_login_start, started)
        self.last_login_end = _high(self.last_login_end, ended)

    def refresh_answered(self, second: int, latency_ms: float) -> None:
        self.refreshes_per_s[second] += 1
        self.latency_ms_per_s[second] += round(latency_ms)

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": dict(self.counts),
            "reasons": dict(self.reasons),
            "fates": dict(self.fates),
            "pending": {str(k): v for k, v in self.pending.items()},
            "refreshes_per_s": {str(k): v for k, v in self.refreshes_per_s.items()},
            "latency_ms_per_s": {str(k): v for k, v in self.latency_ms_per_s.items()},
            "first_sign_in": self.first_sign_in,
            "last_sign_in": self.last_sign_in,
            "first_login_start": self.first_login_start,
            "last_login_end": self.last_login_end,
            "judged": self.judged,
            "heard": self.heard,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Tally:
        def keyed(name: str) -> Counter[int]:
            return Counter({int(k): int(v) for k, v in raw.get(name, {}).items()})

        return cls(
            counts=Counter(raw.get("counts", {})),
            reasons=Counter(raw.get("reasons", {})),
            fates=Counter(raw.get("fates", {})),
            pending=keyed("pending"),
            refreshes_per_s=keyed("refreshes_per_s"),
            latency_ms_per_s=keyed("latency_ms_per_s"),
            first_sign_in=raw.get("first_sign_in"),
            last_sign_in=raw.get("last_sign_in"),
            first_login_start=raw.get("first_login_start"),
            last_login_end=raw.get("last_login_end"),
            judged=bool(raw.get("judged")),
            heard=int(raw.get("heard", 0)),
        )

    @classmethod
    def merged(cls, tallies: list[Tally]) -> Tally:
        """Every process's tally added up (times: the earliest start, the latest end)."""
        total = cls(
            judged=bool(tallies) and all(t.judged for t in tallies),
            heard=min((t.heard for t in tallies), default=0),
        )
        for tally in tallies:
            total.counts.update(tally.counts)
            total.reasons.update(tally.reasons)
            total.fates.update(tally.fates)
            total.pending.update(tally.pending)
            total.refreshes_per_s.update(tally.refreshes_per_s)
            total.latency_ms_per_s.update(tally.latency_ms_per_s)
            total.first_sign_in = _low(total.first_sign_in, tally.first_sign_in)
            total.last_sign_in = _high(total.last_sign_in, tally.last_sign_in)
            total.first_login_start = _low(total.first_login_start, tally.first_login_start)
            total.last_login_end = _high(total.last_login_end, tally.last_login_end)
        return total


def _low(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else min(a, b)


def _high(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)
