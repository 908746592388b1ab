"""A simulated browser profile: what its tabs share (cookies, token broadcast, lock, activity)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx

from harness.client.options import ClientOptions
from harness.client.tab import Tab
from harness.client.target import FaultyTransport, Network, Target
from harness.client.tokens import AccessToken, ServerConfig
from harness.clock import VirtualClock
from harness.events import Event, Recorder

E = TypeVar("E", bound=Event)
REFRESH_COOKIE = "refresh_token"


# A tab where the user acts but sends nothing still tells the server, this often at most.
HEARTBEAT_MAX = timedelta(seconds=60)


class Profile:
    """One browser profile: one cookie jar, tabs that share a session and a refresh lock.

    `options` are applied together with the client-side regressions the server lists in
    `/api/auth/config` (the browser frontend does the same).
    """

    def __init__(
        self,
        target: Target,
        clock: VirtualClock,
        recorder: Recorder,
        *,
        name: str = "profile",
        options: ClientOptions = ClientOptions(),  # noqa: B008 (frozen, so safe to share)
    ) -> None:
        self.target = target
        self.clock = clock
        self.recorder = recorder
        self.name = name
        self.options = options
        self.skew = timedelta(seconds=options.skew_seconds)
        self.tick_interval = timedelta(seconds=options.timer_interval_seconds)
        # From the server's config (set by load_config): None / zero disable the timer.
        self.idle_timeout: timedelta | None = None
        self.warning_lead = timedelta(0)
        self.network = Network()
        self.http = httpx.AsyncClient(
            transport=FaultyTransport(target.transport(), self.network),
            base_url=target.base_url,
            headers={"X-Requested-With": "session-harness"},
            event_hooks={"request": [self._server_time_first]},
        )
        self.tabs: list[Tab] = []
        self.config: ServerConfig | None = None
        self.lock = asyncio.Lock()  # navigator.locks "refresh"
        self.token: AccessToken | None = None  # the last token broadcast to every tab
        self.session_open = False
        self.last_activity: datetime | None = None  # virtual time of the last action or API call
        self.last_api_call: datetime | None = None  # the server saw activity then
        self.heartbeat_inflight = False
        self._cookies_seen: set[str] = set()

    async def _server_time_first(self, _request: httpx.Request) -> None:
        """A server in another process may have deferred clock moves: apply them first."""
        if self.clock.server is not None:
            await self.clock.server.sync()

    def local_now(self) -> datetime:
        """This profile's own clock: the virtual clock plus the configured skew."""
        return self.clock.now() + self.skew

    async def load_config(self) -> ServerConfig:
        if self.config is None:
            response = await self.http.get("/api/auth/config")
            if response.status_code != 200:
                raise RuntimeError(f"GET /api/auth/config answered {response.status_code}")
            self.config = ServerConfig.from_json(response.json())
            self.options = self.options.with_regressions(self.config.regressions)
            idle = self.config.idle_timeout_seconds
            self.idle_timeout = timedelta(seconds=idle) if idle > 0 else None
            self.warning_lead = timedelta(seconds=self.config.warning_lead_seconds)
        return self.config

    async def login(self, email: str, password: str) -> Tab:
        """Open a tab and sign in from its login page."""
        tab = self.open_tab()
        await tab.login(email, password)
        return tab

    def open_tab(self, name: str | None = None) -> Tab:
        """Open a tab; it shares the profile's session if there is one (no login needed)."""
        tab = Tab(self, name or f"tab{len(self.tabs) + 1}")
        self.tabs.append(tab)
        self.clock.attach(tab)
        if self.session_open:
            tab.join_session(self.token if self.options.shared_lock else None)
        return tab

    async def aclose(self) -> None:
        for tab in self.tabs:
            self.clock.detach(tab)
        await self.http.aclose()

    # -- what tabs share ------------------------------------------------------------------

    def refresh_cookie(self) -> str | None:
        for cookie in self.http.cookies.jar:
            if cookie.name == REFRESH_COOKIE:
                return cookie.value
        return None

    def new_refresh_cookie(self) -> bool:
        """Whether the jar now holds a refresh token this profile never had: a rotation.

        A grace-window answer hands several tabs the same new token; it counts once.
        """
        value = self.refresh_cookie()
        if value is None or value in self._cookies_seen:
            return False
        self._cookies_seen.add(value)
        return True

    def session_started(self, token: AccessToken) -> None:
        self.new_refresh_cookie()
        self.session_open = True
        self.token = token
        self.touch(api=True)  # the login itself was an API call

    def broadcast(self, token: AccessToken, sender: Tab) -> None:
        """BroadcastChannel: every other tab adopts the new token without a request."""
        if not self.options.shared_lock:
            return
        self.token = token
        for tab in self.tabs:
            if tab is not sender and tab.signed_in:
                tab.adopt(token)

    def touch(self, *, api: bool = False) -> None:
        """A user action or API call: the shared last-activity time moves to now."""
        self.last_activity = self.clock.now()
        if api:
            self.last_api_call = self.last_activity
        for tab in self.tabs:
            tab.activity_seen()

    def heartbeat_due(self) -> bool:
        """The user acted after the last API call, which is older than the heartbeat period."""
        if self.idle_timeout is None or self.heartbeat_inflight or self.last_activity is None:
            return False
        last_api = self.last_api_call
        if last_api is None:
            return True
        period = min(HEARTBEAT_MAX, self.idle_timeout / 4)
        return self.last_activity > last_api and self.clock.now() - last_api >= period

    def sign_out(self, reason: str, message: str | None, *, redirect: bool) -> None:
        """Broadcast `signed_out`: every tab of the profile goes to the login page."""
        self.session_open = False
        self.token = None
        for tab in self.tabs:
            if tab.signed_in:
                tab.to_login(reason, message, redirect=redirect)

    def emit(self, kind: type[E], tab: str, **fields: Any) -> E:
        event = kind(
            at=self.clock.now(),
            wall=self.recorder.wall(),
            source="api",
            profile=self.name,
            tab=tab,
            **fields,
        )
        self.recorder.emit(event)
        return event
