"""A browser profile's API requests, routed through the harness: client options and faults.

One Playwright route per context sees every request the frontend makes to the app's API.
It applies what the simulated profile gets from its `ClientOptions` and its `Network`:

- the app's clock is brought to the page's time before a request leaves (the app moves in
  the virtual clock's steps, which the pages then run through);
- the session config the frontend reads (`[capabilities] config`) is rewritten with the
  profile's options (a client regression switched on, other retry delays, another tick), so
  one profile can run a broken client while another runs a good one against the same app;
- the faults of `harness.faults.Network`: offline and `fail_next` abort the request (or
  answer with a proxy's status); `lose_next_response` lets the request reach the app (sent
  by the harness with the profile's cookies) and then aborts it, so the page never sees the
  answer, its cookies included; `slow` holds the request before it is sent on.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
from playwright.async_api import BrowserContext, Page, Route
from playwright.async_api import Error as PlaywrightError

from harness.browser.observed import cookies_of
from harness.browser.pages import ApiScope
from harness.core.policy import ClientOptions
from harness.faults import Network
from harness.target.locations import Reply

API_RESOURCE_TYPES = frozenset({"fetch", "xhr"})
LOST_TIMEOUT_S = 10.0
# Headers the harness's own client writes for the copy it sends (cookies from the context jar).
_SET_BY_CLIENT = frozenset({"cookie", "host", "content-length", "connection"})


def served_with_options(served: dict[str, Any], options: ClientOptions) -> dict[str, Any]:
    """The session config as this profile's frontend should read it."""
    rewritten = dict(served)
    regressions = list(rewritten.get("regressions") or [])
    rewritten["regressions"] = regressions + [
        name for name in options.regressions if name not in regressions
    ]
    client = dict(rewritten.get("client") or {})
    if options.retry_delays is not None:
        client["retry_delays_seconds"] = list(options.retry_delays)
    if options.timer_interval_seconds is not None:
        client["tick_seconds"] = options.timer_interval_seconds
    rewritten["client"] = client
    return rewritten


class ProfileRouting:
    """The route of one browser context; `install()` once, before its first page."""

    def __init__(
        self,
        context: BrowserContext,
        network: Network,
        options: ClientOptions,
        *,
        api: ApiScope,
        config_path: str | None,
        app_clock: Callable[[], Awaitable[None]] | None = None,
        login: tuple[str, Callable[[Reply, Page], None]] | None = None,
    ) -> None:
        self.context = context
        self.api = api
        self.network = network
        self.options = options
        self.config_path = config_path
        self.app_clock = app_clock  # brings the app's clock to the page's before a request
        # The login path, and who is told its answer: read here, where the body is the
        # harness's own, not in a response event racing the page's navigation away.
        self.login = login

    async def install(self) -> None:
        await self.context.route(lambda url: self.api.contains(url), self._handle)

    async def _handle(self, route: Route) -> None:
        request = route.request
        path = urlsplit(request.url).path
        if request.resource_type not in API_RESOURCE_TYPES:
            await route.fallback()
            return
        if self.network.offline:
            await route.abort("internetdisconnected")
            return
        if (latency := self.network.latency(path)) > 0:
            await asyncio.sleep(latency)
        if self.app_clock is not None:
            await self.app_clock()
        if (fault := self.network.consume(path)) is not None:
            if fault.kind == "connect":
                await route.abort("connectionfailed")
            elif fault.kind == "status":
                await route.fulfill(status=fault.status, json={"error": fault.error})
            else:
                await self._deliver_then_lose(route)
        elif self.login is not None and path == self.login[0] and request.method != "GET":
            await self._sign_in(route, self.login[1])
        elif path == self.config_path and self.options != ClientOptions():
            await self._rewrite_config(route)
        else:
            await route.fallback()

    async def _sign_in(self, route: Route, signed_in: Callable[[Reply, Page], None]) -> None:
        response = await route.fetch()
        if response.ok:
            try:
                body = await response.json()
            except (PlaywrightError, ValueError):
                body = None
            cookies = cookies_of(
                [h["value"] for h in response.headers_array if h["name"].lower() == "set-cookie"]
            )
            reply = Reply(
                status=response.status, headers=response.headers, json=body, cookies=cookies
            )
            signed_in(reply, route.request.frame.page)
        await route.fulfill(response=response)

    async def _rewrite_config(self, route: Route) -> None:
        """The served config with this profile's options; a page that closed meanwhile (its
        answer disposed) needs none."""
        try:
            response = await route.fetch()
            body = await response.json()
            await route.fulfill(response=response, json=served_with_options(body, self.options))
        except PlaywrightError:
            with contextlib.suppress(PlaywrightError):
                await route.abort()

    async def _deliver_then_lose(self, route: Route) -> None:
        """The app handles the request (and, say, rotates a token); the page sees a reset."""
        request = route.request
        headers = {
            name: value
            for name, value in (await request.all_headers()).items()
            if name not in _SET_BY_CLIENT
        }
        jar = await self.context.cookies(request.url)
        if jar:
            headers["cookie"] = "; ".join(f"{c['name']}={c['value']}" for c in jar)
        async with httpx.AsyncClient(timeout=LOST_TIMEOUT_S) as http:
            await http.request(
                request.method, request.url, headers=headers, content=request.post_data_buffer
            )
        await route.abort("connectionreset")
