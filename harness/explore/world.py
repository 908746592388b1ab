"""One schedule, live: a user's simulated tabs against the app, judged by its promise."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from harness.app import AppUnderTest
from harness.client import ClientOptions, Profile, Tab, Target
from harness.clock import RemoteServerClock, VirtualClock
from harness.drivers import ActionFailed, ConnectionProblem, SignedOut
from harness.events import Recorder, RedirectToLogin
from harness.explore.steps import Act, BreakRefresh, OpenTab, SlowRefresh, Step, Wait
from harness.target.promise import Promise


class ExploreUnusable(Exception):
    """The target gives explore no way to run a schedule (no clock, no user)."""


@dataclass(frozen=True)
class Logout:
    """A redirect to login the promise does not allow: the user was active and in time."""

    reason: str
    at: datetime
    idle: timedelta  # since the user's last action the app saw
    age: timedelta  # since sign-in

    def words(self) -> str:
        return (
            f"sent to login ({self.reason}) {_minutes(self.idle)} after the last action, "
            f"{_minutes(self.age)} after signing in"
        )


def _minutes(span: timedelta) -> str:
    return f"{span.total_seconds() / 60:.1f} min"


class World:
    """The user's profile and tabs: `apply` runs a step, `logout` judges it by the promise."""

    def __init__(self, app: AppUnderTest, options: ClientOptions, start: datetime) -> None:
        self.app = app
        self.options = options
        self.recorder = Recorder()
        self.clock = VirtualClock(start, recorder=self.recorder, server=_server_clock(app))
        self.target = _target_of(app)
        self.tabs: list[Tab] = []
        self._user: Profile | None = None
        self._promise: Promise | None = None
        self._signed_in: datetime | None = None
        self._active: datetime | None = None  # the last action the app answered
        self._judged = 0  # redirects already judged

    async def open(self) -> None:
        if not self.app.profile.users:
            raise ExploreUnusable("needs a user in the target profile ([[users]])")
        self.clock.start()
        if isinstance(self.clock.server, RemoteServerClock):
            await self.clock.server.set(self.clock.now())
        self._promise = await self.target.expectations()
        account = self.app.profile.users[0]
        self._user = Profile(
            self.target,
            self.clock,
            self.recorder,
            name=account.name,
            user=account,
            options=self.options,
        )
        await self._user.ready()

    async def close(self) -> None:
        if self._user is not None:
            await self._user.aclose()
        if isinstance(self.clock.server, RemoteServerClock):
            await self.clock.server.aclose()
        self.clock.stop()

    @property
    def promise(self) -> Promise:
        assert self._promise is not None, "open() the world first"
        return self._promise

    @property
    def user(self) -> Profile:
        assert self._user is not None, "open() the world first"
        return self._user

    @property
    def refresh_path(self) -> str:
        return self.promise.profile.path_of("refresh")

    @property
    def survives_a_lost_answer(self) -> bool:
        """Whether the promise covers a refresh whose answer is lost: no rotation, or a
        grace window longer than the client's first retry."""
        policy = self.promise.policy
        if not policy.rotation:
            return True
        return (policy.grace_seconds or 0) > self.user.policy.retry_delays[0]

    async def apply(self, step: Step) -> None:
        if isinstance(step, OpenTab):
            await self._open_tab()
        elif isinstance(step, Act):
            await asyncio.gather(*(self._act(self.tabs[n - 1]) for n in step.tabs))
        elif isinstance(step, Wait):
            await self.clock.advance(step.seconds, mode=step.mode)
        elif isinstance(step, BreakRefresh) and step.fault == "lose":
            self.user.network.lose_next_response(self.refresh_path)
        elif isinstance(step, BreakRefresh):
            self.user.network.fail_next(self.refresh_path)
        elif isinstance(step, SlowRefresh):
            self.user.network.slow(self.refresh_path, step.seconds)

    async def _open_tab(self) -> None:
        if self.tabs:
            self.tabs.append(await self.user.open_tab())
            return
        self.tabs.append(await self.user.login())
        self._signed_in = self._active = self.clock.now()

    async def _act(self, tab: Tab) -> None:
        try:
            await tab.chat("2+2")
        except (SignedOut, ConnectionProblem, ActionFailed):
            return  # the recorder saw it; the promise judges it
        self._active = self.clock.now()

    def logout(self) -> Logout | None:
        """The first redirect to login since the last call that the promise does not allow."""
        redirects = self.recorder.of_kind(RedirectToLogin)[self._judged :]
        self._judged += len(redirects)
        for redirect in redirects:
            if not self._allowed(redirect):
                assert self._active is not None and self._signed_in is not None
                return Logout(
                    redirect.reason,
                    redirect.at,
                    idle=redirect.at - self._active,
                    age=redirect.at - self._signed_in,
                )
        return None

    def _allowed(self, redirect: RedirectToLogin) -> bool:
        """A sign-out the promise allows: the user signed out, was idle, or the session ended."""
        if redirect.reason == "logout" or self._active is None or self._signed_in is None:
            return True
        idle, age = redirect.at - self._active, redirect.at - self._signed_in
        policy = self.promise.policy
        refresh = timedelta(seconds=policy.refresh_ttl_seconds or 0) or None
        limits = [
            (idle, self.promise.idle_timeout),
            (age, self.promise.absolute),
            (idle if policy.refresh_expiry == "sliding" else age, refresh),
        ]
        return any(limit is not None and spent >= limit for spent, limit in limits)


def _target_of(app: AppUnderTest) -> Target:
    if app.base_url is not None:
        return Target.http(app.base_url, app.profile)
    return Target.in_process(app.app, app.profile)


def _server_clock(app: AppUnderTest) -> RemoteServerClock | None:
    """The remote app's test clock; explore moves time, so an app without one is unusable."""
    if app.base_url is None:
        return None
    clock = app.profile.clock
    if clock.mode != "endpoint":
        raise ExploreUnusable('needs the app\'s test clock ([clock] mode = "endpoint")')
    return RemoteServerClock(app.base_url, lazy=True, url=app.base_url + clock.path)
