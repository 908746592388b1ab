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
    from harness.checks import CheckFailed
    from harness.client import ClientOptions, ConnectionProblem, Profile, SignedOut, Tab, Target
    from harness.client.server_view import ServerView
    from harness.clock import RemoteServerClock, VirtualClock
    from harness.events import Event, Recorder
    from harness.fixtures import ProfileFactory
    from harness.target import Promise, TargetProfile, load_profile

_HOMES = {
    "CheckFailed": "harness.checks",
    "ClientOptions": "harness.client",
    "ConnectionProblem": "harness.client",
    "Event": "harness.events",
    "NotApplicable": "harness.applicability",
    "ProfileFactory": "harness.fixtures",
    "Promise": "harness.target",
    "TargetProfile": "harness.target",
    "load_profile": "harness.target",
    "Profile": "harness.client",
    "Recorder": "harness.events",
    "RemoteServerClock": "harness.clock",
    "ServerView": "harness.client.server_view",
    "SignedOut": "harness.client",
    "Tab": "harness.client",
    "Target": "harness.client",
    "VirtualClock": "harness.clock",
}

__all__ = [
    "CheckFailed",
    "ClientOptions",
    "ConnectionProblem",
    "Event",
    "NotApplicable",
    "Profile",
    "ProfileFactory",
    "Promise",
    "Recorder",
    "RemoteServerClock",
    "ServerView",
    "SignedOut",
    "Tab",
    "Target",
    "TargetProfile",
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
