"""The refresh algorithm of docs/refresh-algorithm.md without I/O.

`TabMachine` takes what happened to a tab (a request, a timer, an answer, a network
failure, the lock, a broadcast) and returns what to do (send, lock, sleep, adopt, banner,
sign out, deliver); `ProfileState` is what a profile's tabs share. The asyncio tabs of
`harness.client` and the gevent tabs of `harness.load` are two drivers of this machine.
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
from harness.core.flow import Finished, Flow
from harness.core.machine import MachineClock, TabMachine
from harness.core.policy import ClientOptions, ClientPolicy
from harness.core.shared import ProfileState, TabPeer
from harness.core.tokens import AccessToken

__all__ = [
    "AccessToken",
    "Backoff",
    "ClientOptions",
    "ClientPolicy",
    "Finished",
    "Flow",
    "GiveUp",
    "MachineClock",
    "ProfileState",
    "RefreshAttempts",
    "Settled",
    "TabMachine",
    "TabPeer",
    "adoptable",
    "judge_api_reply",
    "needs_refresh",
]
