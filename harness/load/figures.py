"""The figures of one storm, computed once on the Locust master, and the gate over them.

The console, `load.json` and the HTML report all print these same numbers; the refresh
latencies are Locust's own percentiles of the same requests its summary table shows.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field
from typing import Any

from harness.load.tally import LATENCY_BUCKET_S, Tally

# Locust request names: the storm's refreshes are split by the phase they were sent in.
REFRESH_NAMES = {
    "herd": "refresh · herd",
    "between": "refresh · between",
    "steady": "refresh · steady",
}
REFRESH_OTHER = "refresh · other"  # sent while profiles were still signing in
LOGIN_NAME = "login"


@dataclass(frozen=True)
class Latency:
    """Locust's figures for one request name."""

    requests: int = 0
    failures: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0


@dataclass(frozen=True)
class StormFigures:
    shape: str
    profiles: int
    tabs: int
    lifetimes: int
    completed: bool  # the storm reached its verdict (every profile judged)
    counts: dict[str, int]
    reasons: dict[str, int]
    fates: dict[str, int]
    signed_in_within_s: float | None  # from the storm's start to the last profile signed in
    logins_per_s: float | None
    login: Latency
    refresh: dict[str, Latency]  # by phase: herd, between, steady
    requests: int = 0  # every request Locust sent (the server's work, for CPU per request)
    series: dict[str, list[list[float]]] = field(default_factory=dict)
    server_cpu_us_per_request: float | None = None  # filled by the runner for a local server

    def count(self, name: str) -> int:
        return int(self.counts.get(name, 0))

    @property
    def amplification(self) -> float | None:
        """Refreshes per renewal: one per profile per token lifetime is 1.00.

        A refresh the app refused ended its session and renewed nothing: it is not counted
        (those are the false or expected logouts).
        """
        renewals = self.count("renewals")
        flights = self.count("refresh_flights") - self.count("refresh_refused")
        return flights / renewals if renewals else None

    @property
    def worst_p99_ms(self) -> float:
        return max((lat.p99_ms for lat in self.refresh.values() if lat.requests), default=0.0)

    @classmethod
    def compute(
        cls,
        *,
        shape: str,
        profiles: int,
        tabs: int,
        lifetimes: int,
        tally: Tally,
        started_at: float,
        login: Latency,
        refresh: dict[str, Latency],
        requests: int,
    ) -> StormFigures:
        within = None if tally.last_sign_in is None else tally.last_sign_in - started_at
        span = None
        if tally.first_login_start is not None and tally.last_login_end is not None:
            span = tally.last_login_end - tally.first_login_start
        logins = tally.counts.get("logins", 0)
        return cls(
            shape=shape,
            profiles=profiles,
            tabs=tabs,
            lifetimes=lifetimes,
            completed=tally.judged,
            counts=dict(tally.counts),
            reasons=dict(tally.reasons),
            fates=dict(tally.fates),
            signed_in_within_s=within,
            logins_per_s=logins / span if span and logins else None,
            login=login,
            refresh=refresh,
            requests=requests,
            series=_series(tally),
        )

    def with_server_cpu(self, us_per_request: float) -> StormFigures:
        return dataclasses.replace(self, server_cpu_us_per_request=us_per_request)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "amplification": self.amplification}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> StormFigures:
        raw = {k: v for k, v in raw.items() if k != "amplification"}
        raw["login"] = Latency(**raw["login"])
        raw["refresh"] = {k: Latency(**v) for k, v in raw["refresh"].items()}
        return cls(**raw)

    def table(self) -> dict[str, Any]:
        """Name → value, in reading order: the report's load section and the console."""
        amplification = self.amplification
        rows: dict[str, Any] = {
            "storm": self.shape,
            "profiles x tabs": f"{self.profiles} x {self.tabs}",
            "profiles signed in": self.count("signed_in"),
            "signed in within (s)": _rounded(self.signed_in_within_s, 1),
            "false logouts": self.count("false_logouts"),
            "missed logouts": self.count("missed_logouts"),
            "logouts with the wrong reason": self.count("wrong_reasons"),
            "expected logouts": self.count("expected_logouts"),
            "amplification (refreshes per profile per lifetime)": _rounded(amplification, 3),
            "token lifetimes renewed": self.count("renewals"),
            "reuse detections": self.count("reuse_detections"),
            "family revocations": self.count("family_revocations"),
            "401s seen by user actions": self.count("action_401s"),
            "user actions": self.count("actions"),
            "refresh retries / gave up": f"{self.count('refresh_retries')} / "
            f"{self.count('refresh_gave_up')}",
        }
        for phase, lat in self.refresh.items():
            if lat.requests:
                rows[f"refresh {phase}: requests"] = lat.requests
                rows[f"refresh {phase}: p50 / p95 / p99 (ms)"] = (
                    f"{lat.p50_ms:.0f} / {lat.p95_ms:.0f} / {lat.p99_ms:.0f}"
                )
        if self.login.requests:
            rows["logins"] = self.login.requests
            rows["logins per second"] = _rounded(self.logins_per_s, 1)
            rows["login p50 / p99 (ms)"] = f"{self.login.p50_ms:.0f} / {self.login.p99_ms:.0f}"
        if self.server_cpu_us_per_request is not None:
            rows["server CPU per request (µs)"] = round(self.server_cpu_us_per_request)
        if self.reasons:
            rows["sign-out reasons"] = ", ".join(
                f"{k} {v}" for k, v in sorted(self.reasons.items())
            )
        return rows

    def report(self) -> dict[str, Any]:
        """The report's load slot: every figure, plus the series the chart draws."""
        return {**self.table(), "series": self.series}


def _rounded(value: float | None, digits: int) -> float | str:
    return "-" if value is None else round(value, digits)


def _series(tally: Tally) -> dict[str, list[list[float]]]:
    seconds = sorted(tally.refreshes_per_s)
    refreshes = [[float(s * LATENCY_BUCKET_S), float(tally.refreshes_per_s[s])] for s in seconds]
    latency = [
        [
            float(s * LATENCY_BUCKET_S),
            round(tally.latency_ms_per_s[s] / tally.refreshes_per_s[s], 1),
        ]
        for s in seconds
    ]
    return {"refreshes per second": refreshes, "mean refresh latency (ms)": latency}


@dataclass(frozen=True)
class Limits:
    max_false_logouts: int = 0  # applies to false, missed and wrong-reason logouts alike
    max_amplification: float = 1.05
    max_p99_ms: float = 0.0  # 0: no limit


@dataclass(frozen=True)
class Breach:
    """A gate line that failed: which figure, its value, and the limit it broke."""

    figure: str
    value: float
    limit: float

    def __str__(self) -> str:
        over = self.value - self.limit
        return f"{self.figure} {_num(self.value)} > {_num(self.limit)} (over by {_num(over)})"


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def gate(figures: StormFigures, limits: Limits) -> list[Breach]:
    """Every limit the storm broke; empty when it passed."""
    breaches = []
    for name, label in (
        ("false_logouts", "false logouts"),
        ("missed_logouts", "missed logouts"),
        ("wrong_reasons", "logouts with the wrong reason"),
    ):
        if figures.count(name) > limits.max_false_logouts:
            breaches.append(Breach(label, figures.count(name), limits.max_false_logouts))
    not_signed_in = figures.profiles - figures.count("signed_in")
    if not_signed_in > 0:
        breaches.append(Breach("profiles never signed in", not_signed_in, 0))
    amplification = figures.amplification
    if amplification is not None and amplification > limits.max_amplification:
        breaches.append(Breach("amplification", amplification, limits.max_amplification))
    p99 = figures.worst_p99_ms
    if limits.max_p99_ms and p99 > limits.max_p99_ms:
        breaches.append(Breach("refresh p99 (ms)", p99, limits.max_p99_ms))
    if not figures.completed:
        breaches.append(Breach("profiles left unjudged (storm cut short)", 1, 0))
    return breaches
