"""A browser profile: one BrowserContext (cookies, storage, locks, one clock) and its tabs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from playwright.async_api import Browser, BrowserContext, Route

from harness._realtime import wall_seconds
from harness.browser.network import InFlightRequests
from harness.browser.recording import REFRESH_PATH, TabRecorder
from harness.browser.tab import BrowserTab
from harness.events import Recorder

DEFAULT_STEP = timedelta(seconds=30)
# run_for moves the page clock in slices this long, waiting for the network in between.
# A timeout guarding I/O can then fire during real I/O only if it is shorter than a slice:
# keep it at most the frontend's shortest such timeout (its refresh lock waits 10 s).
DEFAULT_SLICE = timedelta(seconds=10)
# The browser reports a request a little after the timer that sent it ran: give it this
# long to show up before the next slice.
SLICE_GRACE_S = 0.01
DEFAULT_TIMEOUT_MS = 15_000
REFRESH_ROUTE = "**" + REFRESH_PATH


class BrowserProfile:
    """What one user sees: tabs sharing cookies, localStorage, BroadcastChannel, Web Locks.

    It is a clock participant: the VirtualClock moves its context clock with the server's.
    The context clock keeps flowing in real time between moves (as the server's test clock
    does), so page code that waits a few real milliseconds still runs.
    """

    def __init__(
        self,
        name: str,
        context: BrowserContext,
        *,
        recorder: Recorder,
        now: Callable[[], datetime],
        step: timedelta | None = DEFAULT_STEP,
        slice_: timedelta = DEFAULT_SLICE,
    ) -> None:
        self.name = name
        self.context = context
        self.recorder = recorder
        self.now = now
        self.step = step
        self.slice_ms = max(1, round(slice_.total_seconds() * 1000))
        self.in_flight = InFlightRequests(context)
        self.tabs: list[BrowserTab] = []
        self.refresh_request_count = 0
        self._clock_at = now()
        self._clock_wall = wall_seconds()

    @classmethod
    async def open(
        cls,
        browser: Browser,
        name: str,
        *,
        base_url: str,
        recorder: Recorder,
        now: Callable[[], datetime],
        step: timedelta | None = DEFAULT_STEP,
        slice_: timedelta = DEFAULT_SLICE,
        trace: bool = True,
    ) -> BrowserProfile:
        context = await browser.new_context(base_url=base_url)
        # Playwright's 30 s default makes a stuck scenario slow to report; nothing here
        # legitimately takes more than a few real seconds.
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        if trace:
            await context.tracing.start(name=name, screenshots=True, snapshots=True)
        profile = cls(name, context, recorder=recorder, now=now, step=step, slice_=slice_)
        # Before any page exists: a page that loaded with the real clock keeps real timers.
        await context.clock.install(time=profile._clock_at.timestamp())
        profile._mark(profile._clock_at)
        return profile

    async def new_tab(self, path: str | None = "/", *, name: str | None = None) -> BrowserTab:
        """Open a page (and navigate to `path` unless None) that records into the recorder."""
        page = await self.context.new_page()
        tab_name = name or f"tab{len(self.tabs) + 1}"
        recording = TabRecorder(
            page,
            self.recorder,
            profile=self.name,
            tab=tab_name,
            now=self.page_now,
            on_refresh_request=self._count_refresh,
        )
        tab = BrowserTab(page, name=tab_name, profile=self.name, recording=recording)
        self.tabs.append(tab)
        if path is not None:
            await tab.goto(path)
        return tab

    def _count_refresh(self) -> None:
        self.refresh_request_count += 1

    def page_now(self) -> datetime:
        """Where the context clock is now: the last move plus the real time since.

        Events the driver observes carry this time, like the ones the page reports itself,
        so a tab's events stay in order even while the VirtualClock is mid-step.
        """
        return self._clock_at + timedelta(seconds=wall_seconds() - self._clock_wall)

    async def clock_moved(self, now: datetime, mode: str) -> None:
        if mode not in ("run_for", "fast_forward"):
            raise ValueError(f"unknown clock mode {mode!r} (run_for or fast_forward)")
        await self.in_flight.settle()
        ticks = round((now - self.page_now()).total_seconds() * 1000)
        if ticks < 0:
            # The page ran ahead in real time (or time went back): align Date, fire nothing.
            await self.context.clock.set_system_time(now)
        elif mode == "fast_forward":
            self._mark(now)  # the page is there at once; what it does next happens at `now`
            await self.context.clock.fast_forward(ticks)
        else:
            await self._run_in_slices(ticks)
        await self.in_flight.settle()
        self._mark(now)

    async def _run_in_slices(self, ticks: int) -> None:
        while ticks > 0:
            piece = min(ticks, self.slice_ms)
            await self.context.clock.run_for(piece)
            ticks -= piece
            await self.in_flight.settle(grace_s=SLICE_GRACE_S)

    def _mark(self, now: datetime) -> None:
        self._clock_at = now
        self._clock_wall = wall_seconds()

    def next_due(self) -> datetime | None:
        """Step the virtual clock every `step` so server and page timers never drift apart."""
        return None if self.step is None else self._clock_at + self.step

    async def fail_refresh(self, times: int | None = None, *, status: int | None = None) -> None:
        """Make the next `times` refresh requests (all when None) fail: abort, or `status`."""
        remaining = [times]

        async def handle(route: Route) -> None:
            left = remaining[0]
            if left is not None and left <= 0:
                await route.fallback()
                return
            remaining[0] = None if left is None else left - 1
            if status is None:
                await route.abort("internetdisconnected")
            else:
                await route.fulfill(
                    status=status,
                    json={"error": "unavailable", "message": "injected by the harness"},
                )

        await self.context.route(REFRESH_ROUTE, handle)

    async def restore_network(self) -> None:
        await self.context.unroute(REFRESH_ROUTE)

    async def close(self) -> None:
        await self.context.close()
