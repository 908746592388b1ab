"""BrowserSession: owns Playwright, the browser and the profiles of one test or run."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

from playwright.async_api import Browser, Playwright, async_playwright

from harness.browser.artifacts import save_profile_artifacts
from harness.browser.launch import launch_chromium
from harness.browser.profile import (
    DEFAULT_SLICE,
    DEFAULT_STEP,
    BrowserProfile,
    ProfileSetup,
    reference_profile,
)
from harness.client.target import Target
from harness.clock import ServerClock
from harness.core.policy import ClientOptions, ClientPolicy
from harness.drivers import Unsupported
from harness.events import Recorder
from harness.target import TargetProfile, User


class SessionClock(Protocol):
    """The part of the VirtualClock a session needs."""

    @property
    def server(self) -> ServerClock | None: ...

    def now(self) -> datetime: ...
    def attach(self, participant: BrowserProfile) -> None: ...
    def detach(self, participant: BrowserProfile) -> None: ...


class HasBaseUrl(Protocol):
    @property
    def base_url(self) -> str: ...


class BrowserSession:
    """`async with BrowserSession(server, clock, recorder, artifacts_dir) as session:`.

    Pass `browser=` to reuse a launched browser (one per test module); the session then
    closes only its own contexts. Artifacts are saved on exit when the body raised or
    `mark_failed()` was called. `target` (the app's contract and address) gives each
    profile the policy the app serves; without it, the reference app's contract and the
    algorithm's defaults.
    """

    def __init__(
        self,
        server: HasBaseUrl | str,
        clock: SessionClock,
        recorder: Recorder,
        artifacts_dir: Path | str | None = None,
        *,
        browser: Browser | None = None,
        trace: bool = True,
        target: Target | None = None,
        console_events: bool = True,
    ) -> None:
        self.base_url = server if isinstance(server, str) else server.base_url
        self.target = target
        self.clock = clock
        self.recorder = recorder
        self.artifacts_dir = None if artifacts_dir is None else Path(artifacts_dir)
        self.trace = trace and artifacts_dir is not None
        self.profiles: list[BrowserProfile] = []
        self.console_events = console_events
        self.failed = False
        self._browser = browser
        self._owns_browser = browser is None
        self._playwright: Playwright | None = None

    @property
    def browser(self) -> Browser:
        if self._browser is None:
            raise RuntimeError("BrowserSession not started: use `async with`")
        return self._browser

    async def start(self) -> None:
        if self._browser is None:
            self._playwright = await async_playwright().start()
            try:
                self._browser = await launch_chromium(self._playwright)
            except BaseException:
                await self._playwright.stop()
                raise

    async def new_profile(
        self,
        name: str,
        *,
        user: User | None = None,
        options: ClientOptions = ClientOptions(),  # noqa: B008 (frozen, so safe to share)
        step: timedelta | None = DEFAULT_STEP,
        slice_: timedelta = DEFAULT_SLICE,
    ) -> BrowserProfile:
        """A fresh browser profile whose clock starts at the virtual now and follows it.

        `user` is who `login()` signs in as; `options` change its frontend as they change a
        simulated client (`harness.browser.routing`).
        """
        spec = reference_profile() if self.target is None else self.target.profile
        _can_apply(options, spec)
        now: Callable[[], datetime] = self.clock.now
        setup = ProfileSetup(
            user=user,
            options=options,
            policy=await self._policy(options),
            step=step,
            slice_=slice_,
            trace=self.trace,
            spec=spec,
            app_clock=self.clock.server,
            console_events=self.console_events,
        )
        profile = await BrowserProfile.open(
            self.browser, name, base_url=self.base_url, recorder=self.recorder, now=now, setup=setup
        )
        self.profiles.append(profile)
        self.clock.attach(profile)
        return profile

    async def _policy(self, options: ClientOptions) -> ClientPolicy:
        """What the frontend will act on: the app's served config, then `options`."""
        if self.target is None:
            return ClientPolicy().with_options(options)
        await self.target.expectations()  # reads the served config (once)
        policy = self.target.client_policy(options)
        if self.target.profile.capabilities.config is None:
            # The pages bring their own client: its timings and words are its own.
            policy = dataclasses.replace(policy, known=False)
        return policy

    def mark_failed(self) -> None:
        self.failed = True

    async def save_artifacts(self) -> list[Path]:
        if self.artifacts_dir is None:
            return []
        saved: list[Path] = []
        for profile in self.profiles:
            saved += await save_profile_artifacts(profile, self.artifacts_dir)
        return saved

    async def close(self) -> None:
        try:
            if self.failed:
                await self.save_artifacts()
        finally:
            for profile in self.profiles:
                self.clock.detach(profile)
                await profile.close()
            self.profiles.clear()
            if self._owns_browser and self._browser is not None:
                await self._browser.close()
                self._browser = None
            if self._playwright is not None:
                await self._playwright.stop()
                self._playwright = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None:
            self.failed = True
        await self.close()


def _can_apply(options: ClientOptions, spec: TargetProfile) -> None:
    """Client options other than a skewed clock reach a frontend only through the config its
    app serves ([capabilities] config, rewritten on its way to the page)."""
    if spec.capabilities.config is not None:
        return
    if dataclasses.replace(options, skew_seconds=0.0) != ClientOptions():
        raise Unsupported(
            "needs a frontend the harness can reconfigure ([capabilities] config): this "
            f"scenario changes the client's behaviour, and {spec.name}'s pages are its own"
        )
