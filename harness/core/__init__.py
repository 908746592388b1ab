"""The refresh algorithm of docs/refresh-algorithm.md without I/O.

Plain objects that take what happened (a clock reading, a response, a broadcast) and say
what to do (refresh, adopt a token, back off, show the banner, sign out). The asyncio tabs
of `harness.client` and the gevent users of `harness.load` drive the same decisions.
"""

from __future__ import annotations

from harness.core.decisions import (
    Backoff,
    GiveUp,
    RefreshAttempts,
    Settled,
    adoptable,
    judge_api_reply,
    needs_refresh,
)
from harness.core.policy import ClientOptions, ClientPolicy
from harness.core.shared import ProfileState, TabPeer
from harness.core.tokens import AccessToken

__all__ = [
    "AccessToken",
    "Backoff",
    "ClientOptions",
    "ClientPolicy",
    "GiveUp",
    "ProfileState",
    "RefreshAttempts",
    "Settled",
    "TabPeer",
    "adoptable",
    "judge_api_reply",
    "needs_refresh",
]
