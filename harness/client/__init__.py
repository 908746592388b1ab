"""Simulated browser profiles and tabs that follow docs/refresh-algorithm.md."""

from __future__ import annotations

from harness.client.errors import (
    ActionFailed,
    ConnectionProblem,
    LoginFailed,
    SignedOut,
    Unsupported,
)
from harness.client.network import Network
from harness.client.profile import Profile
from harness.client.tab import Tab
from harness.client.target import Target, TargetUnavailable
from harness.core import ClientOptions

__all__ = [
    "ActionFailed",
    "ClientOptions",
    "ConnectionProblem",
    "LoginFailed",
    "Network",
    "Profile",
    "SignedOut",
    "Tab",
    "Target",
    "TargetUnavailable",
    "Unsupported",
]
