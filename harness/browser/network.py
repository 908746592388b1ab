"""The API requests a browser context has in flight, so clock moves can wait for them."""

from __future__ import annotations

import asyncio

from playwright.async_api import BrowserContext, Request

from harness._realtime import wall_seconds

API_RESOURCE_TYPES = frozenset({"fetch", "xhr"})
SETTLE_TIMEOUT_S = 10.0
_POLL_S = 0.005


class InFlightRequests:
    """Counts fetch/XHR requests between start and finish (or failure).

    The network is real while page timers are fake: if the page clock jumped while a
    request was on the wire, a timeout guarding it (a lock wait, a retry) would fire
    although no real time passed. Waiting for these requests makes I/O take no virtual time.
    """

    def __init__(self, context: BrowserContext) -> None:
        self._open: set[Request] = set()
        context.on("request", self._started)
        context.on("requestfinished", self._ended)
        context.on("requestfailed", self._ended)

    def __len__(self) -> int:
        return len(self._open)

    def _started(self, request: Request) -> None:
        if request.resource_type in API_RESOURCE_TYPES:
            self._open.add(request)

    def _ended(self, request: Request) -> None:
        self._open.discard(request)

    async def settle(self, timeout_s: float = SETTLE_TIMEOUT_S, *, grace_s: float = 0.0) -> bool:
        """Wait (real time) until nothing is in flight; False if `timeout_s` ran out first.

        `grace_s` first waits for requests the page started but the browser has not yet
        reported.
        """
        if grace_s > 0:
            await asyncio.sleep(grace_s)
        deadline = wall_seconds() + timeout_s
        while self._open:
            if wall_seconds() >= deadline:
                return False
            await asyncio.sleep(_POLL_S)
        return True
