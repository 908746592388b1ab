"""A simulated browser profile: one cookie jar, tabs that share a session and a refresh lock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx

from harness.client.errors import Unsupported
from harness.client.network import FaultyTransport, Network
from harness.client.tab import Tab
from harness.client.target import Target
from harness.client.wire import (
    Presenting,
    build_request,
    jar,
    present_access_token,
    present_refresh_token,
    reply_of,
)
from harness.clock import VirtualClock
from harness.core import ClientOptions, ClientPolicy, ProfileState
from harness.events import Event, Recorder
from harness.target import User, contract
from harness.target.contract import Purpose

E = TypeVar("E", bound=Event)
# A request the harness sends as another site would (`cross_site`): its Origin is its own.
FOREIGN = "harness_foreign_origin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Profile:
    """One browser profile of one user: cookies, storage, a broadcast channel, a lock.

    The algorithm's parameters come from the target (profile [client], then what the app
    serves); `options` add injected client bugs and a skewed clock, as a test asks.
    """

    def __init__(
        self,
        target: Target,
        clock: VirtualClock,
        recorder: Recorder,
        *,
        name: str = "profile",
        user: User | None = None,
        options: ClientOptions = ClientOptions(),  # noqa: B008 (frozen, so safe to share)
    ) -> None:
        self.target = target
        self.clock = clock
        self.recorder = recorder
        self.name = name
        self.user = user
        self.options = options
        self.state = ProfileState(
            target.client_policy(options), skew=timedelta(seconds=options.skew_seconds)
        )
        self.network = Network()
        self.http = httpx.AsyncClient(
            transport=FaultyTransport(target.transport(), self.network),
            base_url=target.base_url,
            headers=target.profile.headers,
            event_hooks={"request": [self._server_time_first, self._origin_like_a_browser]},
        )
        self.refresh_lock = asyncio.Lock()  # navigator.locks "refresh"
        self.tabs: list[Tab] = []
        self._ready = False

    def __repr__(self) -> str:
        return f"<Profile {self.name} of {self.target.profile.name}>"

    @property
    def policy(self) -> ClientPolicy:
        return self.state.policy

    @property
    def token(self) -> Any:
        """The access token last broadcast to every tab (None when signed out)."""
        return self.state.token

    async def _origin_like_a_browser(self, request: httpx.Request) -> None:
        """Browsers name the page's origin on every request that is not a plain read."""
        if request.method in SAFE_METHODS or request.extensions.get(FOREIGN):
            return
        request.headers.setdefault(
            "Origin", f"{request.url.scheme}://{request.url.netloc.decode()}"
        )

    async def _server_time_first(self, _request: httpx.Request) -> None:
        """A server in another process may have deferred clock moves: apply them first."""
        if self.clock.server is not None:
            await self.clock.server.sync()

    def local_now(self) -> datetime:
        """This profile's own clock: the virtual clock plus the configured skew."""
        return self.clock.now() + self.state.skew

    async def ready(self) -> None:
        """Read what the app serves about its sessions (once) and apply it to the policy."""
        if not self._ready:
            await self.target.served(self.http)
            self.state.policy = self.target.client_policy(self.options)
            self._ready = True

    async def login(self, identifier: str | None = None, password: str | None = None) -> Tab:
        """Open a tab and sign in from its login page (as the profile's user by default)."""
        tab = await self.open_tab()
        await tab.login(identifier, password)
        return tab

    async def open_tab(self, name: str | None = None) -> Tab:
        """Open a tab; it shares the profile's session if there is one (no login needed)."""
        tab = Tab(self, name or f"tab{len(self.tabs) + 1}")
        self.tabs.append(tab)
        self.state.tabs.append(tab)
        self.clock.attach(tab)
        tab.machine.opened()
        return tab

    async def aclose(self) -> None:
        for tab in self.tabs:
            self.clock.detach(tab)
        await self.http.aclose()

    def refresh_cookie(self) -> str | None:
        """The refresh token's cookie value, when the app keeps it in a cookie."""
        name = self.target.profile.refresh_cookie()
        if name is None:
            return None
        return next((c.value for c in self.http.cookies.jar if c.name == name), None)

    async def current_refresh_token(self) -> str | None:
        """The refresh token this profile holds now (its cookie, or the one the client keeps)."""
        return (
            self.refresh_cookie()
            if self.target.profile.refresh_cookie()
            else self.state.refresh_token
        )

    async def present_refresh_token(
        self,
        value: str,
        *,
        cookies: dict[str, str] | None = None,
        purpose: Presenting = "refresh",
    ) -> httpx.Response:
        """A refresh presenting `value`, outside the refresh algorithm (a replay, a thief);
        with `purpose="logout"`, a logout presenting it (a stale tab, a forged cookie).

        `cookies` stand for the whole cookie jar (e.g. one copied before a logout); by default
        the profile's own jar, with the refresh cookie set to `value`.
        """
        held = jar(self.http) if cookies is None else cookies
        return await present_refresh_token(self.http, self.target.profile, value, held, purpose)

    def refresh_token_in(self, response: httpx.Response) -> str | None:
        """The refresh token a refresh answer hands back (its cookie or body), if any."""
        spec = self.target.profile
        location = spec.refresh_tokens().refresh_token
        return None if location is None else location.read_text(reply_of(response))

    async def present_access_token(self, value: str) -> httpx.Response:
        """The [probe] request with `value` as its access token (none when empty), outside the
        algorithm: a replayed token after logout or revocation, a forged one."""
        return await present_access_token(self.http, self.target.profile, value, jar(self.http))

    async def cross_site(
        self, purpose: Purpose, *, origin: str | None, app_headers: bool = False
    ) -> httpx.Response:
        """The profile's `purpose` request (refresh, logout) as a page of another site sends
        it: with this profile's cookies and that site's `Origin` (None: no Origin), and, unless
        `app_headers`, without the app's own headers (no CORS preflight would allow them)."""
        spec = self.target.profile
        request: Any = getattr(spec, purpose, None)
        if request is None:
            raise Unsupported(f"the target profile declares no [{purpose}] request")
        values = {"refresh_token": self.state.refresh_token or ""}
        outgoing = contract.build(spec, request, purpose, cookies=jar(self.http), **values)
        sent = build_request(self.http, outgoing)
        sent.extensions[FOREIGN] = True
        if not app_headers:
            for name in [*spec.headers, *request.headers]:
                sent.headers.pop(name, None)
        if origin is not None:
            sent.headers["Origin"] = origin
        return await self.http.send(sent)

    @property
    def login_access_token(self) -> str | None:
        """The access token of the last sign-in (kept after it ends): it names the session."""
        token = self.state.login_token
        return None if token is None else token.value

    async def cookies(self) -> dict[str, str]:
        """A copy of the profile's cookie jar by name."""
        return jar(self.http)

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
