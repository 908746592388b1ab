"""Simulated browser profiles and tabs that follow docs/refresh-algorithm.md."""

from __future__ import annotations

from harness.client.errors import ConnectionProblem, LoginFailed, SignedOut
from harness.client.options import ClientOptions
from harness.client.profile import Profile
from harness.client.tab import Tab
from harness.client.target import Network, Target

__all__ = [
    "ClientOptions",
    "ConnectionProblem",
    "LoginFailed",
    "Network",
    "Profile",
    "SignedOut",
    "Tab",
    "Target",
]
