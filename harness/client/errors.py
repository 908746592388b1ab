"""The exceptions of a tab action, defined once for both drivers in `harness.drivers`."""

from __future__ import annotations

from harness.drivers import ActionFailed, ConnectionProblem, LoginFailed, SignedOut, Unsupported

__all__ = ["ActionFailed", "ConnectionProblem", "LoginFailed", "SignedOut", "Unsupported"]
