"""The API requests a browser context has in flight, so clock moves can wait for them."""

from __future__ import annotations

import asyncio

from playwright.async_api import BrowserContext, Request

from harness._realtime import wall_seconds

API_RESOURCE_TYPES = frozenset({"fetch", "xhr"})
SETTLE_TIMEOUT_S = 10.0
_POLL_S = 0.005
# Every page of a profile says so on its console when it calls fetch(): a page timer's
# line reaches the harness before the clock call that fired the timer returns, while the
# browser reports the request itself some milliseconds later.
FETCH_ANNOUNCEMENT = "harness-fetch"
ANNOUNCE_FETCHES = f"""(() => {{
    const fetch = window.fetch;
    window.fetch = function (...args) {{
        console.debug("{FETCH_ANNOUNCEMENT}");
        return fetch.apply(this, args);
    }};
}})();"""


class InFlightRequests:
    """Counts fetch/XHR requests between start and finish (or failure), and fetches the
    pages announced that the browser has not reported yet.

    The network is real while page timers are fake: if the page clock jumped while a
    request was on the wire, a timeout guarding it (a lock wait, a retry) would fire
    although no real time passed. Waiting for these requests makes I/O take no virtual time.
    """

    def __init__(self, context: BrowserContext) -> None:
        self._open: set[Request] = set()
        self.started = 0  # requests the browser reported
        self.announced = 0  # fetch() calls the pages reported
        context.on("request", self._started)
        context.on("requestfinished", self._ended)
        context.on("requestfailed", self._ended)

    def __len__(self) -> int:
        return len(self._open)

    async def install(self, context: BrowserContext) -> None:
        """Make every page of `context` announce its fetches (before the first page opens)."""
        await context.add_init_script(ANNOUNCE_FETCHES)

    def announce(self) -> None:
        self.announced += 1

    def _started(self, request: Request) -> None:
        if request.resource_type in API_RESOURCE_TYPES:
            self._open.add(request)
            self.started += 1

    def _ended(self, request: Request) -> None:
        self._open.discard(request)

    @property
    def busy(self) -> bool:
        return bool(self._open) or self.started < self.announced

    async def settle(self, timeout_s: float = SETTLE_TIMEOUT_S, *, grace_s: float = 0.0) -> bool:
        """Wait (real time) until nothing is in flight or announced and not yet reported;
        False if `timeout_s` ran out first.

        `grace_s` first waits for requests the page started but has not yet announced (a
        fetch made when another one's answer arrived).
        """
        if grace_s > 0:
            await asyncio.sleep(grace_s)
        deadline = wall_seconds() + timeout_s
        while self.busy:
            if wall_seconds() >= deadline:
                self.announced = self.started  # a fetch that never reached the network
                return False
            await asyncio.sleep(_POLL_S)
        return True
