"""The refresh call with its network-error backoff (steps 4-5 of docs/refresh-algorithm.md)."""

from __future__ import annotations

from typing import Protocol

import httpx

from harness.core import Backoff, ClientPolicy, GiveUp, RefreshAttempts
from harness.target.contract import Outgoing


class Refresher(Protocol):
    """The tab sending the refresh, as the retry loop needs it."""

    @property
    def in_session(self) -> bool: ...

    @property
    def policy(self) -> ClientPolicy: ...

    async def send_outgoing(
        self, outgoing: Outgoing, *, stream: bool = False
    ) -> httpx.Response: ...

    async def back_off(self, step: Backoff) -> None:
        """Record the retry and wait its delay (virtual time: timers due meanwhile fire)."""


async def refresh_with_retries(
    tab: Refresher, outgoing: Outgoing
) -> tuple[httpx.Response | None, str]:
    """Send the refresh until the core's RefreshAttempts says the answer is final.

    Returns (response, "") or, after the last try failed, (None, the last error).
    """
    attempts = RefreshAttempts(tab.policy)
    while True:
        response: httpx.Response | None = None
        try:
            response = await tab.send_outgoing(outgoing)
        except httpx.TransportError as exc:
            step = attempts.after(None, type(exc).__name__)
        else:
            step = attempts.after(response.status_code)
        if isinstance(step, GiveUp):
            return None, step.error
        if not isinstance(step, Backoff):
            return response, ""
        await tab.back_off(step)
        if not tab.in_session:
            return None, "signed_out"  # the profile was signed out meanwhile
