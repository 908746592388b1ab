"""What every profile of one Locust process shares: the storm's clock, its faults, its tally.

Loaded only in the Locust process (gevent). The coordinator (on the master, or this very
process when it runs alone) tells it where the clock is, which phase the storm is in, and
when the network breaks; the profiles read it.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from harness.core import ClientOptions, ClientPolicy
from harness.load.plan import FaultKind, Phase, StormPlan
from harness.load.tally import LATENCY_BUCKET_S, Tally
from harness.target import Reply, TargetProfile
from harness.target.contract import Outgoing


class NetworkFailure(Exception):
    """The request got no answer (connection refused or reset, timeout, a lost response)."""


class Wire(Protocol):
    """A profile's HTTP client, as the tabs see it: its cookie jar and one way to send."""

    def cookies(self) -> dict[str, str]: ...

    def store_cookies(self, path: str, lines: list[str]) -> None:
        """Take `Set-Cookie` lines as if a response to `path` had carried them."""

    def send(self, outgoing: Outgoing, *, name: str) -> Reply:
        """Send as-is (raises NetworkFailure when no answer came back)."""


@dataclass
class StormClock:
    """The storm's virtual time: real time plus the offset the coordinator moved the app by.

    Every client clock equals the app's by construction, so a token's expiry is read as the
    app states it (no skew): a skew measured in the milliseconds between the app's move and
    this process hearing of it would be a whole jump wide.
    """

    offset_s: float = 0.0
    lifetime: int = 0
    phase: Phase = "provision"
    admitted: int = -1  # steady state: the highest share allowed to sign in
    started_at: float = field(default_factory=time.time)  # the storm's start (wall, Unix s)

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset_s)

    def local_now(self) -> datetime:
        """A client's own clock: the app's, by construction (see above)."""
        return self.now()

    def now_s(self) -> float:
        return time.time() + self.offset_s

    def second_of_storm(self) -> int:
        return int((time.time() - self.started_at) // LATENCY_BUCKET_S)


@dataclass
class Faults:
    """Client-side faults: the app unreachable for a while, and responses lost at random."""

    lost_responses: float = 0.0  # share of refresh responses the network loses
    kind: FaultKind | None = None
    until: float = 0.0  # monotonic
    rng: random.Random = field(default_factory=random.Random)

    def start(self, kind: FaultKind, seconds: float) -> None:
        self.kind, self.until = kind, time.monotonic() + seconds

    def current(self) -> FaultKind | None:
        if self.kind is not None and time.monotonic() >= self.until:
            self.kind = None
        return self.kind

    def remaining_s(self) -> float:
        return max(0.0, self.until - time.monotonic())

    def lose(self, outgoing: Outgoing) -> bool:
        """Whether the network loses the answer to this request (refreshes only)."""
        return outgoing.purpose == "refresh" and self.rng.random() < self.lost_responses


@dataclass
class ProcessState:
    """One Locust process's share of the storm."""

    plan: StormPlan
    target: TargetProfile
    policy: ClientPolicy
    clock: StormClock = field(default_factory=StormClock)
    faults: Faults = field(default_factory=Faults)
    tally: Tally = field(default_factory=Tally)
    profiles: list[Any] = field(default_factory=list)  # StormProfile, kept for the verdict
    started: int = 0  # profiles started in this process (their index picks their fate)

    @classmethod
    def of(cls, plan: StormPlan, target: TargetProfile) -> ProcessState:
        from harness.client.target import client_policy

        options = ClientOptions(timer_interval_seconds=plan.timing.tick_s)
        state = cls(plan, target, client_policy(target, plan.served, options))
        state.faults.lost_responses = plan.lost_responses
        return state

    def next_index(self) -> int:
        index, self.started = self.started, self.started + 1
        return index
