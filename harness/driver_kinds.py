"""The drivers a scenario runs with, as objects: how each reaches the app, which fixtures
give its profiles and its clock, how it lets time pass, and what it needs of a target.

Fixtures look a driver up here once (`kind_of`) and use what it says; none compares a
driver's name. A new driver is one more entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from harness.behaviour import Pace
from harness.drivers import Driver

if TYPE_CHECKING:
    from harness.target import TargetProfile


@dataclass(frozen=True)
class DriverKind:
    name: Driver
    pace: Pace
    profiles_fixture: str  # the fixture whose ProfileFactory opens this driver's profiles
    clock_fixture: str  # the fixture of this driver's VirtualClock
    served: bool  # reaches the app over HTTP, so the app runs in its own process
    unusable: Callable[[TargetProfile], str | None]  # why a target cannot be driven; None


def _pages_described(profile: TargetProfile) -> str | None:
    if profile.browser is not None:
        return None
    return (
        "the browser driver drives the app's pages as its profile's [browser] section "
        f"describes them; {profile.name} has none (docs/target-profiles.md)"
    )


DRIVER_KINDS: Mapping[Driver, DriverKind] = {
    "api": DriverKind(
        "api",
        Pace(timedelta(minutes=1), "run_for", timedelta(0)),
        profiles_fixture="api_profiles",
        clock_fixture="api_clock",
        served=False,
        unusable=lambda profile: None,
    ),
    "browser": DriverKind(
        "browser",
        Pace(timedelta(minutes=5), "fast_forward", timedelta(seconds=10)),
        profiles_fixture="browser_profiles",
        clock_fixture="browser_clock",
        served=True,
        unusable=_pages_described,
    ),
}


def kind_of(driver: Driver) -> DriverKind:
    return DRIVER_KINDS[driver]
