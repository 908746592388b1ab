"""What a check needs of the target; without it the check is "not applicable", saying why."""

from __future__ import annotations

from harness.clock import FixedServerClock, RealTimeClock, VirtualClock
from harness.conformance.session import Call
from harness.fixtures import not_applicable
from harness.target import TargetProfile
from harness.target.model import Policy


def clock_for(clock: VirtualClock, seconds: float) -> None:
    """The app's time can be moved `seconds` in this test (real time only within its limit)."""
    if isinstance(clock.server, FixedServerClock):
        not_applicable(
            "needs a clock: the app's time cannot be moved (clock.mode = none); give it a "
            "test clock (docs/test-clock.md) or use clock.mode = real with short TTLs"
        )
    if isinstance(clock, RealTimeClock) and seconds > clock.max_wait_seconds:
        not_applicable(
            f"needs {seconds:,.0f} s of real time (clock.mode = real allows "
            f"{clock.max_wait_seconds:,.0f} s): start the app with shorter TTLs"
        )


def request(profile: TargetProfile, name: str) -> None:
    if getattr(profile, name) is None:
        not_applicable(f"needs [{name}] in the target profile")


def users(profile: TargetProfile, count: int) -> None:
    if len(profile.users) < count:
        not_applicable(
            f"needs {count} [[users]] in the target profile, it has {len(profile.users)}"
        )


def activity(profile: TargetProfile) -> Call:
    """The request that counts as the user being active: [probe], else [action]."""
    if profile.probe is not None:
        return "probe"
    if profile.action is not None:
        return "action"
    not_applicable("needs a [probe] or [action] request in the target profile")


def promised(policy: Policy, field: str, what: str) -> float:
    """A promised number of seconds, else not applicable ("needs ... in [policy]")."""
    value = getattr(policy, field)
    if value is None:
        not_applicable(f"needs {what} (policy.{field}): the profile promises none")
    return float(value)


def margin(seconds: float) -> float:
    """How far past a deadline a check waits: 5% of it, at least 1 s and at most a minute."""
    return min(60.0, max(1.0, 0.05 * seconds))
