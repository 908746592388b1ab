"""session-harness: prove a web app never throws an active user back to the login page.

The names a scenario needs, loaded on first use: `harness.adapters` runs inside the app's own
server process and must not drag the client, the checks or their dependencies in with it.
Playwright (`harness.browser`) and Locust (`harness.load`) load only when those modules are
imported.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness import checks
    from harness.applicability import NotApplicable
    from harness.behaviour import Pace
    from harness.checks import CheckFailed
    from harness.client import ClientOptions, Profile, Tab, Target
    from harness.client.server_view import ServerView
    from harness.clock import RemoteServerClock, VirtualClock
    from harness.drivers import (
        ActionFailed,
        ConnectionProblem,
        ExpiryWarning,
        LoginFailed,
        ProfileDriver,
        SignedOut,
        TabDriver,
        Unsupported,
    )
    from harness.events import Event, Recorder
    from harness.fixtures import ProfileFactory
    from harness.target import Promise, TargetProfile, load_profile

_HOMES = {
    "ActionFailed": "harness.drivers",
    "CheckFailed": "harness.checks",
    "ClientOptions": "harness.client",
    "ConnectionProblem": "harness.drivers",
    "ExpiryWarning": "harness.drivers",
    "LoginFailed": "harness.drivers",
    "Event": "harness.events",
    "NotApplicable": "harness.applicability",
    "Pace": "harness.behaviour",
    "ProfileFactory": "harness.fixtures",
    "Promise": "harness.target",
    "TargetProfile": "harness.target",
    "load_profile": "harness.target",
    "Profile": "harness.client",
    "ProfileDriver": "harness.drivers",
    "Recorder": "harness.events",
    "RemoteServerClock": "harness.clock",
    "ServerView": "harness.client.server_view",
    "SignedOut": "harness.drivers",
    "Tab": "harness.client",
    "TabDriver": "harness.drivers",
    "Target": "harness.client",
    "Unsupported": "harness.drivers",
    "VirtualClock": "harness.clock",
}

__all__ = [
    "ActionFailed",
    "CheckFailed",
    "ClientOptions",
    "ConnectionProblem",
    "Event",
    "ExpiryWarning",
    "LoginFailed",
    "NotApplicable",
    "Pace",
    "Profile",
    "ProfileDriver",
    "ProfileFactory",
    "Promise",
    "Recorder",
    "RemoteServerClock",
    "ServerView",
    "SignedOut",
    "Tab",
    "TabDriver",
    "Target",
    "TargetProfile",
    "Unsupported",
    "VirtualClock",
    "checks",
    "load_profile",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "checks":
        return import_module("harness.checks")
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'harness' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
