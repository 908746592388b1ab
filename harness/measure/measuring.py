"""`check --measure` around the pytest run: what is refused before it, said at its start,
and written after it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from harness.client import Target
from harness.measure.deadlines import CEILING_S
from harness.measure.finding import Finding, policy_values
from harness.measure.policy_file import write_policy
from harness.runner import ConfigError
from harness.target import TargetProfile
from harness.target.model import Policy

# A measurement in real time waits for every deadline it finds: past this, it is refused.
MAX_REAL_S = 600.0


def refuse_unmeasurable(
    target: str | Path, *, measure: bool, keyword: str | None, write_policy: bool
) -> None:
    """Option combinations that cannot work, as one line each (before anything starts)."""
    if write_policy and not measure:
        raise ConfigError("--write-policy writes what --measure finds: add --measure")
    if keyword is not None:
        raise ConfigError("--measure runs the measurement, not the checks: drop -k")
    if write_policy and not Path(target).is_file():
        raise ConfigError(
            f"--write-policy writes into the profile file given with --target; {target!r} "
            "is a bundled profile: copy it (session-harness init) and measure the copy"
        )


def announce(profile: TargetProfile, base_url: str, console: Console) -> None:
    """Say how the app's time will move; a real-time measurement says how long it will take,
    or is refused (ConfigError) when that is longer than MAX_REAL_S."""
    mode = profile.clock.mode
    if mode == "endpoint":
        console.print("measuring in virtual time (the app's test clock)", highlight=False)
        return
    if mode == "none":
        console.print(
            "measuring without a clock (clock.mode = none): rotation, the parent's answer at "
            "once and logout only; lifetimes, grace window and replay need a clock",
            highlight=False,
        )
        return
    promise = asyncio.run(Target.http(base_url, profile).expectations()).policy
    estimate = real_time_estimate(promise)
    if estimate is None or estimate > MAX_REAL_S:
        about = "an unknown time" if estimate is None else f"about {estimate:,.0f} s"
        raise ConfigError(
            f"--measure in real time (clock.mode = real) would wait {about}, more than "
            f"{MAX_REAL_S:,.0f} s: give the app a test clock (clock.mode = endpoint) or "
            "start it with shorter TTLs and promise them in [policy]"
        )
    console.print(f"measuring in real time: about {estimate:,.0f} s of waiting", highlight=False)


def real_time_estimate(promise: Policy) -> float | None:
    """The real waits a measurement needs when the promise is right (two probes per deadline,
    a session kept active to its end); None when the promise does not bound it."""
    access, refresh = promise.access_ttl_seconds, promise.refresh_ttl_seconds
    alone = min(x for x in (promise.idle_timeout_seconds or None, refresh, CEILING_S) if x)
    if access is None or alone >= CEILING_S:
        return None
    if promise.absolute_seconds is not None:
        kept = promise.absolute_seconds
    elif promise.refresh_expiry == "fixed":
        kept = alone
    else:
        return None
    grace = promise.grace_seconds or 0.0
    return 2 * 2 * access + 3 * alone + kept + 3 * grace


def write_measured_policy(profile: TargetProfile, findings: Sequence[Finding]) -> Path:
    assert profile.source is not None
    values = policy_values(findings)
    try:
        write_policy(profile.source, values)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"--write-policy: {profile.source} left as it was: {exc}") from None
    return profile.source
