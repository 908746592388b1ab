"""session-harness: prove a web app never throws an active user back to the login page.

The names a scenario needs. Playwright (`harness.browser`) and Locust (`harness.load`) load
only when those modules are imported.
"""

from __future__ import annotations

from harness import checks
from harness.checks import CheckFailed
from harness.client import ClientOptions, ConnectionProblem, Profile, SignedOut, Tab, Target
from harness.clock import RemoteServerClock, VirtualClock
from harness.events import Event, Recorder

__all__ = [
    "CheckFailed",
    "ClientOptions",
    "ConnectionProblem",
    "Event",
    "Profile",
    "Recorder",
    "RemoteServerClock",
    "SignedOut",
    "Tab",
    "Target",
    "VirtualClock",
    "checks",
]
__version__ = "0.1.0"
