"""A browser profile: one BrowserContext (cookies, storage, locks, one clock) and its tabs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

import httpx
from playwright.async_api import Browser, BrowserContext, Page
from playwright.async_api import Error as PlaywrightError

from harness._realtime import wall_seconds
from harness.browser.network import InFlightRequests
from harness.browser.observed import Observed
from harness.browser.pages import ApiScope, Pages, browser_of
from harness.browser.recording import TabRecorder
from harness.browser.routing import ProfileRouting
from harness.browser.tab import BrowserTab
from harness.client.wire import Presenting, present_access_token, present_refresh_token
from harness.clock import ServerClock
from harness.core.policy import ClientOptions, ClientPolicy
from harness.drivers import Unsupported
from harness.events import Recorder
from harness.faults import Network
from harness.target import TargetProfile, User, load_profile
from harness.target.locations import Reply

DEFAULT_STEP = timedelta(seconds=30)
# run_for moves the page clock in slices this long, waiting for the network in between.
# A timeout guarding I/O can then fire during real I/O only if it is shorter than a slice:
# keep it at most the frontend's shortest such timeout (its refresh lock waits 10 s).
DEFAULT_SLICE = timedelta(seconds=10)
# A page that got an answer may send the next request at once (a retry, a sign-out after
# a refusal): after requests, give it this long to start before the clock moves on.
ANSWER_GRACE_S = 0.01
# Both clocks flow in real time after a set: a page request this close needs no new one.
APP_CLOCK_TOLERANCE = timedelta(seconds=1)
LOCKS_BARRIER = "() => navigator.locks ? navigator.locks.query().then(() => 0) : 0"
DEFAULT_TIMEOUT_MS = 15_000
# How long closing waits for the bodies of answers already in (a hung body is not waited for).
CLOSE_DRAIN_S = 5.0
PURPOSES = ("login", "refresh", "logout", "logout_all", "probe", "action", "stream")


@cache
def reference_profile() -> TargetProfile:
    """The bundled reference app's contract: what the browser driver's frontend speaks."""
    return load_profile("reference-app")


@dataclass(frozen=True)
class ProfileSetup:
    """Who a browser profile is and how its client behaves (the simulated profile's knobs).

    `policy` is what the frontend will act on (the app's served config with `options`
    applied); `spec` the app's contract, the reference app's by default.
    """

    user: User | None = None
    options: ClientOptions = field(default_factory=ClientOptions)
    policy: ClientPolicy = field(default_factory=ClientPolicy)
    spec: TargetProfile = field(default_factory=reference_profile)
    app_clock: ServerClock | None = None  # the app's test clock, moved by the virtual clock
    step: timedelta | None = DEFAULT_STEP
    slice_: timedelta = DEFAULT_SLICE
    trace: bool = True
    # Read the pages' own `auth-event` console lines where the profile says they write them
    # ([browser] auth_events); False observes the app from outside only.
    console_events: bool = True


class BrowserProfile:
    """What one user sees: tabs sharing cookies, localStorage, BroadcastChannel, Web Locks.

    It is a clock participant: the VirtualClock moves its context clock with the server's
    (`options.skew_seconds` ahead of it). The context clock keeps flowing in real time
    between moves (as the server's test clock does), so page code that waits a few real
    milliseconds still runs. It speaks `harness.drivers.ProfileDriver`.
    """

    def __init__(
        self,
        name: str,
        context: BrowserContext,
        *,
        base_url: str,
        recorder: Recorder,
        now: Callable[[], datetime],
        setup: ProfileSetup = ProfileSetup(),
    ) -> None:
        self.name = name
        self.context = context
        self.base_url = base_url
        self.recorder = recorder
        self.now = now
        self.setup = setup
        self.step = setup.step
        self.slice_ms = max(1, round(setup.slice_.total_seconds() * 1000))
        self.skew = timedelta(seconds=setup.options.skew_seconds)
        self.network = Network()
        self.in_flight = InFlightRequests(context)
        self.tabs: list[BrowserTab] = []
        self.refresh_request_count = 0
        self.pages = Pages(browser_of(setup.spec.browser, setup.spec.name))
        self.observed = Observed(setup.spec)
        self.api = ApiScope.of(base_url, self._purposes())
        self._login_access_token: str | None = None
        self._app_at: datetime | None = None  # where this profile last set the app's clock
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
        setup: ProfileSetup = ProfileSetup(),
    ) -> BrowserProfile:
        context = await browser.new_context(base_url=base_url)
        # Playwright's 30 s default makes a stuck scenario slow to report; nothing here
        # legitimately takes more than a few real seconds.
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        if setup.trace:
            # DOM snapshots, no screencast: a failure attaches each tab's screenshot anyway,
            # and screenshots in the trace cost the browser suite a fifth of its time.
            await context.tracing.start(name=name, screenshots=False, snapshots=True)
        try:
            profile = cls(name, context, base_url=base_url, recorder=recorder, now=now, setup=setup)
        except BaseException:
            await context.close()
            raise
        config = setup.spec.capabilities.config
        routing = ProfileRouting(
            context,
            profile.network,
            setup.options,
            api=profile.api,
            config_path=config,
            app_clock=None if setup.app_clock is None else profile.app_at_page_time,
            login=(setup.spec.login.path, profile._signed_in),
        )
        await routing.install()
        await profile.in_flight.install(context)
        # Before any page exists: a page that loaded with the real clock keeps real timers.
        await context.clock.install(time=(profile._clock_at + profile.skew).timestamp())
        profile._mark(profile._clock_at)
        return profile

    # -- harness.drivers.ProfileDriver ----------------------------------------------------

    @property
    def user(self) -> User | None:
        return self.setup.user

    @property
    def options(self) -> ClientOptions:
        return self.setup.options

    @property
    def policy(self) -> ClientPolicy:
        return self.setup.policy

    @property
    def spec(self) -> TargetProfile:
        return self.setup.spec

    async def login(self, identifier: str | None = None, password: str | None = None) -> BrowserTab:
        """Open a tab on the login page and sign in (as the profile's user by default)."""
        tab = await self.new_tab(self.pages.spec.login_url)
        await tab.login(identifier, password)
        return tab

    async def open_tab(self, name: str | None = None) -> BrowserTab:
        """Open the app in a new tab; it shows the app (the profile's session) or the login."""
        tab = await self.new_tab(self.pages.spec.app_url, name=name)
        await tab.settled()
        return tab

    @property
    def login_access_token(self) -> str | None:
        return self._login_access_token

    def _signed_in(self, reply: Reply, page: Page) -> None:
        """A page's sign-in answer: its access token names the session from now on."""
        self._login_access_token = self.spec.login_tokens().access_token.read_text(reply)
        for tab in self.tabs:
            if tab.page is page:
                tab.recording.login_answered(reply)

    async def cookies(self) -> dict[str, str]:
        return {cookie["name"]: cookie["value"] for cookie in await self.context.cookies()}

    async def current_refresh_token(self) -> str | None:
        """The refresh token the pages hold now: its cookie, or where [browser.storage] says."""
        name = self.spec.refresh_cookie()
        if name is not None:
            return (await self.cookies()).get(name)
        kind, key = self.pages.spec.storage.where("refresh_token")
        page = next((tab.page for tab in self.tabs if not tab.page.is_closed()), None)
        if kind == "cookie":
            return (await self.cookies()).get(key)
        if kind == "memory" or page is None:
            raise Unsupported(
                "needs [browser.storage] refresh_token (where the page keeps its refresh token)"
            )
        value: str | None = await page.evaluate(f"key => {kind}.getItem(key)", key)
        return value

    async def present_refresh_token(
        self,
        value: str,
        *,
        cookies: dict[str, str] | None = None,
        purpose: Presenting = "refresh",
    ) -> httpx.Response:
        """A refresh (or logout) presenting `value`, outside the page (a replay, a thief)."""
        held = await self.cookies() if cookies is None else cookies
        await self._set_app_clock(self.now())  # the harness asks at the virtual now
        async with httpx.AsyncClient(base_url=self.base_url, headers=self.spec.headers) as http:
            return await present_refresh_token(http, self.spec, value, held, purpose)

    async def present_access_token(self, value: str) -> httpx.Response:
        """The [probe] request with `value` as its access token, outside the page (a token
        replayed after logout, a forged one)."""
        await self._set_app_clock(self.now())
        async with httpx.AsyncClient(base_url=self.base_url, headers=self.spec.headers) as http:
            return await present_access_token(http, self.spec, value, await self.cookies())

    # -- tabs -----------------------------------------------------------------------------

    async def new_tab(self, path: str | None = None, *, name: str | None = None) -> BrowserTab:
        """Open a page (and navigate to `path` unless None) that records into the recorder."""
        page = await self.context.new_page()
        tab_name = name or f"tab{len(self.tabs) + 1}"
        recording = TabRecorder(
            page,
            self.recorder,
            profile=self.name,
            tab=tab_name,
            now=self.page_now,
            observed=self.observed,
            pages=self.pages,
            purposes=self._purposes(),
            api=self.api,
            page_skew=self.skew,
            auth_events=self.pages.spec.auth_events and self.setup.console_events,
            on_refresh_request=self._count_refresh,
            on_fetch=self.in_flight.announce,
        )
        tab = BrowserTab(page, name=tab_name, host=self, recording=recording)
        self.tabs.append(tab)
        await tab.goto(path or self.pages.spec.app_url)
        return tab

    def _purposes(self) -> dict[str, str]:
        """The profile's requests by path (the probe and the heartbeat share one)."""
        found = {
            request.path: purpose
            for purpose in PURPOSES
            if (request := getattr(self.spec, purpose, None)) is not None
        }
        if self.spec.capabilities.config:
            found[self.spec.capabilities.config] = "config"
        return found

    def _count_refresh(self) -> None:
        self.refresh_request_count += 1

    # -- the clock ------------------------------------------------------------------------

    def page_now(self) -> datetime:
        """Where the context clock is now, in virtual time: the last move plus the real time
        since (the page itself reads `skew` more).

        Events the driver observes carry this time, like the ones the page reports itself,
        so a tab's events stay in order even while the VirtualClock is mid-step.
        """
        return self._clock_at + timedelta(seconds=wall_seconds() - self._clock_wall)

    async def app_at_page_time(self) -> None:
        """Bring the app's clock to this profile's page time, for a request about to leave.

        The virtual clock moves the app to the end of each step before the pages run through
        it; without this a page's request would meet the app up to a step ahead.
        """
        now = self.page_now()
        if self._app_at is None or abs(now - self._app_at) > APP_CLOCK_TOLERANCE:
            await self._set_app_clock(now)

    async def _set_app_clock(self, now: datetime) -> None:
        if self.setup.app_clock is not None:
            await self.setup.app_clock.set(now)
            self._app_at = now

    async def clock_moved(self, now: datetime, mode: str) -> None:
        if mode not in ("run_for", "fast_forward"):
            raise ValueError(f"unknown clock mode {mode!r} (run_for or fast_forward)")
        self._app_at = now  # the virtual clock has just set the app there
        await self.in_flight.settle()
        requests = self.in_flight.started
        ticks = round((now - self.page_now()).total_seconds() * 1000)
        if ticks < 0:
            # The page ran ahead in real time (or time went back): align Date, fire nothing.
            await self.context.clock.set_system_time(now + self.skew)
        elif mode == "fast_forward":
            self._mark(now)  # the page is there at once; what it does next happens at `now`
            await self.context.clock.fast_forward(ticks)
        else:
            await self._run_in_slices(ticks)
        await self._timers_done()
        self._mark(now)
        if self.in_flight.started != requests:
            await self._pages_caught_up()
        await self._look_at_pages()

    async def _run_in_slices(self, ticks: int) -> None:
        while ticks > 0:
            piece = min(ticks, self.slice_ms)
            await self.context.clock.run_for(piece)
            ticks -= piece
            self._mark(self._clock_at + timedelta(milliseconds=piece))
            await self.in_flight.settle()
            await self._look_at_pages()  # what appeared in this slice, timed to within it

    async def _timers_done(self) -> None:
        """Wait for what the timers that fired started, the requests they sent included.

        A timer that first asks whether another tab holds the refresh lock sends its refresh
        when the browser answers; a lock query of our own, answered after every earlier one
        of the profile (one lock manager per origin), is a barrier.
        """
        page = next((tab.page for tab in self.tabs if not tab.page.is_closed()), None)
        if page is not None:
            with contextlib.suppress(PlaywrightError):  # the page is navigating
                await page.evaluate(LOCKS_BARRIER)
        await self.in_flight.settle()

    async def _pages_caught_up(self) -> None:
        """After requests answered during a move: what the pages did with the answers (a
        redirect to login, say) is recorded before the clock moves on or a check reads it."""
        await self.in_flight.settle(grace_s=ANSWER_GRACE_S)
        for tab in self.tabs:
            await tab.recording.settle()

    async def _look_at_pages(self) -> None:
        """What each page shows now (a banner, a warning): events of what the user sees."""
        for tab in self.tabs:
            if not tab.page.is_closed():
                await tab.look()

    def _mark(self, now: datetime) -> None:
        self._clock_at = now
        self._clock_wall = wall_seconds()

    def next_due(self) -> datetime | None:
        """Step the virtual clock every `step` so server and page timers never drift apart."""
        return None if self.step is None else self._clock_at + self.step

    async def close(self) -> None:
        for tab in self.tabs:  # answers already in are recorded before their pages go
            with contextlib.suppress(PlaywrightError, TimeoutError):
                await asyncio.wait_for(tab.recording.drain(), CLOSE_DRAIN_S)
        await self.context.close()
