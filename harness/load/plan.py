"""What a storm does, decided before it runs: its shape, its timing, each profile's fate.

Plain data and a generator of steps, free of Locust and gevent: the coordinator in the
Locust process carries the steps out (moves the app's clock, announces phases, waits for a
herd), and the users read their fate and timing from the same plan.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

from harness.target.defaults import RETRY_DELAYS

Shape = Literal["aligned", "steady", "recovery", "mixed"]
SHAPES: tuple[str, ...] = get_args(Shape)
Fate = Literal["active", "idle", "expired"]
FATES: tuple[str, ...] = get_args(Fate)
Phase = Literal["provision", "herd", "between", "steady", "verdict"]
FaultKind = Literal["503", "stall"]
ClockMode = Literal["endpoint", "real"]

# Steady state moves the clock a lifetime in this many steps (profiles sign in spread over them).
STEADY_STEPS = 6
# Seconds of slack past a deadline before a profile still signed in counts as a missed logout.
DEADLINE_SLACK_S = 1.0
# Reasons a session can end on its own, each tied to the deadline that passed.
EXPIRY_REASONS = {
    "idle": "session_idle",
    "refresh": "refresh_expired",
    "absolute": "session_expired",
}


@dataclass(frozen=True)
class Timing:
    """The app's clock facts the storm is planned on (virtual seconds)."""

    access_ttl_s: float
    threshold_s: float
    tick_s: float
    retry_delays_s: tuple[float, ...] = RETRY_DELAYS
    idle_timeout_s: float | None = None
    refresh_ttl_s: float | None = None
    refresh_sliding: bool = True  # each rotation moves the refresh token's expiry
    absolute_s: float | None = None

    @property
    def jump_s(self) -> float:
        """A move that takes a token issued just now one second under the refresh threshold."""
        return self.access_ttl_s - self.threshold_s + 1.0

    @property
    def herd_timeout_s(self) -> float:
        """Real seconds a herd may take: a tick to notice, every retry, and room for a queue."""
        return self.tick_s + sum(self.retry_delays_s) + 30.0


@dataclass(frozen=True)
class Mix:
    """Shares of the population by fate (normalised; only the mixed storm has other fates)."""

    active: float = 1.0
    idle: float = 0.0
    expired: float = 0.0

    def pattern(self, length: int = 20) -> tuple[Fate, ...]:
        """Fates in a repeating order that spreads each cohort through the population."""
        total = self.active + self.idle + self.expired
        shares: dict[Fate, float] = {
            "active": self.active / total,
            "idle": self.idle / total,
            "expired": self.expired / total,
        }
        taken: dict[Fate, int] = dict.fromkeys(shares, 0)
        order: list[Fate] = []
        for position in range(1, length + 1):
            # The fate furthest behind its share goes next (a smooth weighted round robin).
            fate = max(shares, key=lambda f: shares[f] * position - taken[f])
            taken[fate] += 1
            order.append(fate)
        return tuple(order)


@dataclass(frozen=True)
class StormPlan:
    """Everything the Locust processes need to run one storm; travels as JSON."""

    shape: Shape
    profiles: int
    tabs: int
    lifetimes: int
    timing: Timing
    clock: ClockMode = "endpoint"
    think_s: float = 5.0  # mean real seconds between two actions of an active profile
    between_s: float = 3.0  # real seconds of plain activity after each herd
    fault: FaultKind = "503"
    fault_s: float = 0.0  # recovery: how long the app is unreachable in the middle of a herd
    mix: Mix = field(default_factory=Mix)
    bulk_path: str | None = None  # the harness's bulk-session path; None: every profile logs in
    login_sample: int = 0  # with bulk sessions: profiles per process that still log in
    lost_responses: float = 0.0  # share of refresh responses the network loses
    target: str = "reference-app"  # the target profile: a bundled name or a file path
    served: dict[str, Any] | None = None  # what the app serves about its sessions, if anything

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> StormPlan:
        raw: dict[str, Any] = json.loads(text)
        timing = {**raw.pop("timing")}
        timing["retry_delays_s"] = tuple(timing["retry_delays_s"])
        return cls(timing=Timing(**timing), mix=Mix(**raw.pop("mix")), **raw)

    def fate_of(self, index: int) -> Fate:
        """The fate of the `index`-th profile a Locust process starts."""
        if self.shape != "mixed":
            return "active"
        pattern = self.mix.pattern()
        return pattern[index % len(pattern)]

    def steps(self) -> Iterator[Step]:
        """What the coordinator does, in order."""
        if self.shape == "steady":
            yield from self._steady()
        elif self.shape == "mixed":
            yield from self._mixed()
        else:
            yield from self._herds()
        yield Verdict()

    def _herds(self) -> Iterator[Step]:
        yield Provision()
        yield Hold(self.between_s, "between")
        middle = (self.lifetimes + 1) // 2
        for lifetime in range(1, self.lifetimes + 1):
            yield Move(self.timing.jump_s, lifetime)
            if self.shape == "recovery" and lifetime == middle and self.fault_s > 0:
                # Half a tick in, half the herd has gone through: the app drops out for the rest.
                yield Hold(self.timing.tick_s / 2, "herd")
                yield Fault(self.fault, self.fault_s)
            yield AwaitHerd(lifetime, self.timing.herd_timeout_s + self.fault_s)
            yield Hold(self.between_s, "between")

    def _steady(self) -> Iterator[Step]:
        step_s = self.timing.access_ttl_s / STEADY_STEPS
        yield Hold(0.0, "steady")
        for step in range(1, (self.lifetimes + 1) * STEADY_STEPS + 1):
            if step <= STEADY_STEPS:
                yield Admit(step - 1)  # this share of the population signs in now
            yield Hold(self.timing.tick_s * 1.5, "steady")
            yield Move(step_s, math.ceil(step / STEADY_STEPS))

    def _mixed(self) -> Iterator[Step]:
        yield Provision()
        yield Hold(self.between_s, "between")
        woke = False
        for lifetime in range(1, self.mixed_lifetimes() + 1):
            yield Move(self.timing.jump_s, lifetime)
            refresh_ttl = self.timing.refresh_ttl_s
            if not woke and refresh_ttl is not None and lifetime * self.timing.jump_s > refresh_ttl:
                woke = True
                yield Wake()
            yield AwaitHerd(lifetime, self.timing.herd_timeout_s)
            yield Hold(self.between_s, "between")

    def mixed_lifetimes(self) -> int:
        """Enough lifetimes for every deadline a cohort waits for, plus one to notice it."""
        jump = self.timing.jump_s
        needed = self.lifetimes
        for deadline in (self.timing.idle_timeout_s, self.timing.refresh_ttl_s):
            if deadline:
                needed = max(needed, math.floor(deadline / jump) + 2)
        return needed


@dataclass(frozen=True)
class Provision:
    """Wait until every profile signed in (or failed to)."""


@dataclass(frozen=True)
class Admit:
    """Steady state: the profiles of this share (index modulo STEADY_STEPS) sign in now."""

    share: int


@dataclass(frozen=True)
class Move:
    """Move the app's clock (or wait in real time) and announce lifetime `lifetime`'s herd."""

    seconds: float
    lifetime: int


@dataclass(frozen=True)
class AwaitHerd:
    """Wait until every profile due in this lifetime renewed its token or was signed out."""

    lifetime: int
    timeout_s: float


@dataclass(frozen=True)
class Hold:
    """Let the profiles work for `seconds` of real time, in `phase`."""

    seconds: float
    phase: Phase


@dataclass(frozen=True)
class Fault:
    """Client-side fault: requests fail (503) or stall for `seconds`; then the app is back."""

    kind: FaultKind
    seconds: float


@dataclass(frozen=True)
class Wake:
    """Profiles that went away (laptop closed) come back and use the app again."""


@dataclass(frozen=True)
class Verdict:
    """Judge every profile still signed in (a missed logout?), then end the storm."""


Step = Provision | Admit | Move | AwaitHerd | Hold | Fault | Wake | Verdict


@dataclass(frozen=True)
class Deadlines:
    """A profile's deadlines in virtual time (Unix seconds)."""

    idle: float | None
    refresh: float | None
    absolute: float | None

    @classmethod
    def of(
        cls, timing: Timing, *, signed_in_at: float, last_activity: float, last_renewal: float
    ) -> Deadlines:
        """From the login, the last activity and the last rotation (sliding refresh expiry)."""

        def after(start: float, seconds: float | None) -> float | None:
            return None if not seconds else start + seconds

        refreshed = last_renewal if timing.refresh_sliding else signed_in_at
        return cls(
            idle=after(last_activity, timing.idle_timeout_s),
            refresh=after(refreshed, timing.refresh_ttl_s),
            absolute=after(signed_in_at, timing.absolute_s),
        )

    def passed(self, now: float) -> set[str]:
        """The reasons a session may have ended with by `now` (its deadlines that passed)."""
        deadlines = {"idle": self.idle, "refresh": self.refresh, "absolute": self.absolute}
        return {
            EXPIRY_REASONS[name] for name, at in deadlines.items() if at is not None and now >= at
        }


LogoutVerdict = Literal["expected", "false", "wrong_reason"]


def judge_logout(fate: Fate, reason: str, now: float, deadlines: Deadlines) -> LogoutVerdict:
    """A profile was sent to login with `reason` at virtual time `now`: was that right?

    Active profiles must never be; idle and expired ones only once a deadline passed, and
    then with the reason of a deadline that passed.
    """
    if fate == "active":
        return "false"
    due = deadlines.passed(now + DEADLINE_SLACK_S)
    if not due:
        return "false"
    return "expected" if reason in due else "wrong_reason"


def missed_logout(fate: Fate, now: float, deadlines: Deadlines, *, returned: bool) -> bool:
    """Still signed in at the end of the storm although the session should have ended."""
    if fate == "active" or (fate == "expired" and not returned):
        return False
    return bool(deadlines.passed(now - DEADLINE_SLACK_S))
