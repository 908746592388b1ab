"""A simulated browser tab: the user's verbs and what the page shows, over the core's machine.

The refresh algorithm (docs/refresh-algorithm.md) is the core's `TabMachine`; the tab hands
it each request and timer, and `harness.client.driver` performs what it answers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal, Protocol

import httpx

from harness.client.driver import ApiCall, Driver, HostClock
from harness.client.errors import (
    ActionFailed,
    ConnectionProblem,
    LoginFailed,
    SignedOut,
    Unsupported,
)
from harness.client.network import Network
from harness.client.target import Target
from harness.client.wire import jar, json_reply, reply_of
from harness.clock import VirtualClock
from harness.core import AccessToken, ClientPolicy, ProfileState, TabMachine
from harness.core.actions import Delivered, Ended, Offline
from harness.core.deadlines import idle_announcement_problem
from harness.core.timers import TabTimers
from harness.drivers import ExpiryWarning
from harness.events import (
    Event,
    LoggedIn,
    LoggedOut,
    RedirectToLogin,
    Rotation,
    TokenAdopted,
    WarningDismissed,
)
from harness.target import User, contract
from harness.target.contract import Outgoing, Purpose
from harness.target.model import Request
from harness.target.templates import MissingValue

LOGGED_OUT_REASON = "logout"
NO_PAGE = "a simulated tab has no page to hide or freeze"


class TabHost(Protocol):
    """What a tab uses of its browser profile (the profile knows tabs; tabs know only this)."""

    name: str
    target: Target
    clock: VirtualClock
    state: ProfileState
    http: httpx.AsyncClient
    network: Network
    user: User | None
    refresh_lock: asyncio.Lock

    def local_now(self) -> datetime: ...

    async def ready(self) -> None: ...

    def emit(self, kind: type[Event], tab: str, **fields: Any) -> Event: ...


class Tab:
    """One page of a profile; a clock participant whose timers are the refresh tick and warnings."""

    def __init__(self, host: TabHost, name: str) -> None:
        self.host = host
        self.name = name
        self.machine = TabMachine(host.state, HostClock(host))
        self.driver = Driver(self, self.machine)

    @property
    def in_session(self) -> bool:
        """The tab shows the signed-in app (not the login page)."""
        return self.machine.in_session

    @property
    def token(self) -> AccessToken | None:
        return self.machine.token

    @property
    def timers(self) -> TabTimers:
        return self.machine.timers

    def __repr__(self) -> str:
        return f"<Tab {self.host.name}/{self.name} in_session={self.in_session}>"

    @property
    def profile(self) -> TabHost:
        return self.host

    # -- what the tab shows (the views of harness.drivers.TabDriver) ----------------------

    async def signed_in(self) -> bool:
        return self.in_session

    async def login_reason(self) -> str | None:
        return None if self.in_session else self.machine.login_reason

    async def login_message(self) -> str | None:
        return None if self.in_session else self.machine.login_message

    async def banner(self) -> str | None:
        return self.machine.banner

    async def warning(self) -> ExpiryWarning | None:
        kind = self.timers.warning() if self.in_session else None
        if kind is None:
            return None
        return ExpiryWarning(kind, self.timers.seconds_left(kind, self.host.clock.now()))

    async def hide(self) -> None:
        raise Unsupported(NO_PAGE)

    async def show(self) -> None:
        raise Unsupported(NO_PAGE)

    async def freeze_holding_lock(self) -> None:
        raise Unsupported(NO_PAGE)

    # -- user actions ---------------------------------------------------------------------

    async def login(self, identifier: str | None = None, password: str | None = None) -> None:
        """Sign in from the login page: the profile's user unless other credentials are given."""
        host, spec = self.host, self.host.target.profile
        await host.ready()
        user = host.user
        identifier = identifier or (user.identifier if user else None)
        password = password or (user.secret() if user else None)
        if identifier is None or password is None:
            raise ValueError(f"{self}: no credentials: the profile has no user")
        outgoing = contract.build(
            spec, spec.login, "login", identifier=identifier, password=password
        )
        response = await self.driver.send(outgoing)
        reply = reply_of(response)
        if not 200 <= reply.status < 300:
            raise LoginFailed(reply.status, contract.reason_of(spec, reply, "login"))
        local_now = host.local_now()
        grant = contract.read_grant(spec, "login", reply, local_now)
        self.judge_grant(grant, "login")
        token = self.machine.token_of(grant, local_now)
        self.note_rotation()
        self.join_session(token)
        host.state.session_started(token, host.clock.now())
        self.emit(
            LoggedIn,
            access_expires_at=token.access_expires_at,
            session_expires_at=token.session_expires_at,
        )

    async def request(self, method: str, path: str, *, json: Any = None) -> httpx.Response:
        """An authenticated API call (activity): ensure_fresh, token, refusal → refresh → retry."""
        spec = self.host.target.profile
        return await self._authed(
            lambda token: contract.authed(
                spec, method, path, token, json=json, cookies=jar(self.host.http)
            ),
            stream=False,
        )

    async def get(self, path: str) -> httpx.Response:
        return await self.request("GET", path)

    async def post(self, path: str, json: Any = None) -> httpx.Response:
        return await self.request("POST", path, json=json)

    async def probe(self) -> httpx.Response:
        """The profile's cheap authenticated request ([probe]); counts as activity. The
        deadlines its answer announces are judged (ContractError when the app cannot keep them)."""
        response = await self._declared("probe", {})
        spec, token = self.host.target.profile.probe, self.host.state.token
        if spec is None or not spec.announcing or token is None:
            return response
        if 200 <= response.status_code < 300:
            reply = json_reply(response) if spec.announcing_in_json else reply_of(response)
            announced = contract.read_announcement(self.host.target.profile, reply, token.value)
            if spec.idle_expires_at is not None:
                server_now = self.host.local_now() + token.skew
                self._judge_idle(announced.idle_expires_at, server_now, "probe", False)
        return response

    async def chat(self, text: str) -> str:
        """The user's action ([action]) with `text`; the reply's text."""
        response = await self._declared("action", {"text": text})
        self._raise_for_refusal(response, "action")
        location = self.host.target.profile.action.reply  # type: ignore[union-attr]
        reply = reply_of(response)
        if location is None:
            return reply.text or response.text
        value = location.read(reply)
        return "" if value is None else str(value)

    async def stream_chat(self, text: str) -> str:
        """The streaming request ([stream]) through the same auth path; the chunks' text."""
        return "".join(await self.stream_chunks(text))

    async def stream_chunks(self, text: str) -> list[str]:
        """The streaming request ([stream]); the text of each chunk as it arrived."""
        response = await self._declared("stream", {"text": text}, stream=True)
        try:
            if response.status_code >= 400:
                await response.aread()
            self._raise_for_refusal(response, "stream")
            lines = [line async for line in response.aiter_lines()]
        finally:
            await response.aclose()
        return contract.sse_chunks(self.host.target.profile, lines)

    async def activity(self) -> None:
        """A click or a key press: resets the profile's idle timer."""
        self._require_signed_in()
        self.host.state.touch(self.host.clock.now())

    async def stay_signed_in(self) -> None:
        """The warning's button: activity plus the probe request (the server extends too)."""
        await self.activity()
        self._raise_for_refusal(await self.probe(), "probe")

    async def logout(self) -> None:
        """The profile's [logout] request, then every tab of the profile goes to the login page."""
        if not self.in_session:
            return
        spec = self.host.target.profile.logout
        if spec is not None:
            # Offline, the session still ends here; the server expires it on its own.
            with contextlib.suppress(httpx.TransportError, MissingValue):
                await self.driver.send(self._outgoing(spec, "logout", {}))
        self._signed_out_by_user()

    async def logout_all(self) -> httpx.Response:
        """[logout_all]: end every session of the user (this one included)."""
        response = await self._declared("logout_all", {})
        self._signed_out_by_user()
        return response

    # -- the request path -----------------------------------------------------------------

    async def _declared(
        self, purpose: Purpose, named: dict[str, str], *, stream: bool = False
    ) -> httpx.Response:
        spec: Request | None = getattr(self.host.target.profile, purpose)
        if spec is None:
            raise Unsupported(f"the target profile declares no [{purpose}] request")
        return await self._authed(
            lambda token: self._outgoing(spec, purpose, named, token), stream=stream
        )

    def _outgoing(
        self,
        spec: Request,
        purpose: Purpose,
        named: dict[str, str],
        token: str | None = None,
    ) -> Outgoing:
        refresh = self.host.state.refresh_token
        values = {**named, **({"refresh_token": refresh} if refresh else {})}
        return contract.build(
            self.host.target.profile,
            spec,
            purpose,
            cookies=jar(self.host.http),
            access_token=token,
            **values,
        )

    async def _authed(
        self, build: Callable[[str | None], Outgoing], *, stream: bool
    ) -> httpx.Response:
        api = ApiCall(build, stream)
        outcome = await self.driver.run(self.machine.request(), api)
        if isinstance(outcome, Delivered):
            return api.responses[-1]
        if isinstance(outcome, Offline):
            raise ConnectionProblem(outcome.message)
        assert isinstance(outcome, Ended)
        raise SignedOut(outcome.reason, outcome.message)

    @property
    def policy(self) -> ClientPolicy:
        return self.host.state.policy

    def refresh_outgoing(self) -> Outgoing:
        """The refresh request as the profile describes it (raises MissingValue without a token)."""
        spec = self.host.target.profile
        return self._outgoing(spec.refresh, "refresh", {}, self.token.value if self.token else None)

    def judge_grant(self, grant: contract.Grant, purpose: Literal["login", "refresh"]) -> None:
        """The idle deadline a token response announces must be one the app can keep."""
        if self.host.target.profile.tokens_for(purpose).idle_expires_at is not None:
            server_now = grant.server_time or self.host.local_now()
            self._judge_idle(grant.idle_expires_at, server_now, purpose, purpose == "login")

    def note_rotation(self) -> None:
        """A refresh token this profile never had (its cookie, or the one it keeps): a rotation."""
        state, spec = self.host.state, self.host.target.profile
        cookie = spec.refresh_cookie()
        current = jar(self.host.http).get(cookie) if cookie else state.refresh_token
        first = not state.session_open
        if state.new_refresh_token(current) and not first:
            self.emit(Rotation)

    def _judge_idle(
        self, announced: datetime | None, server_now: datetime, purpose: str, activity: bool
    ) -> None:
        idle = self.host.state.policy.idle_timeout_seconds
        problem = idle_announcement_problem(announced, server_now, idle, after_activity=activity)
        if problem is not None:
            raise contract.ContractError(f"the {purpose} response {problem}")

    # -- state changes driven by the profile (TabPeer) ------------------------------------

    def join_session(self, token: AccessToken | None) -> None:
        self.machine.join(token)

    def adopt(self, token: AccessToken) -> None:
        """Take a token another tab of the profile refreshed (its broadcast)."""
        if self.machine.adopt(token):
            self.emit(TokenAdopted, access_expires_at=token.access_expires_at)

    def activity_seen(self) -> None:
        if self.in_session and self.timers.dismiss_idle_warning():
            self.emit(WarningDismissed, warning="idle")

    def to_login(self, reason: str, message: str | None, *, redirect: bool) -> None:
        self.machine.signed_out(reason, message)
        if redirect:
            self.emit(RedirectToLogin, reason=reason, message=message or "")
        else:
            self.emit(LoggedOut, reason=reason)

    # -- timers (ClockParticipant) --------------------------------------------------------

    def next_due(self) -> datetime | None:
        return self.timers.next_due() if self.in_session else None

    async def clock_moved(self, now: datetime, mode: str) -> None:
        for name in self.machine.fire_due(now):
            if not self.in_session:
                return
            await self.driver.run(self.machine.timer(name))

    async def heartbeat(self) -> None:
        """Clicks without API calls: tell the server the user is active (the probe request)."""
        if self.host.target.profile.probe is None:
            return
        with contextlib.suppress(ConnectionProblem, SignedOut):
            await self.probe()

    # -- helpers --------------------------------------------------------------------------

    def _signed_out_by_user(self) -> None:
        """Every tab goes to the login page, which says so (no redirect: the user chose it)."""
        message = self.host.state.policy.message_for(LOGGED_OUT_REASON)
        self.host.state.sign_out(LOGGED_OUT_REASON, message, redirect=False)

    def _raise_for_refusal(self, response: httpx.Response, purpose: Purpose) -> None:
        """An error answer to the user's request (read already) is the action failing."""
        if response.status_code >= 400:
            reason = contract.reason_of(self.host.target.profile, reply_of(response), purpose)
            raise ActionFailed(response.status_code, reason)

    def _require_signed_in(self) -> None:
        if not self.in_session:
            raise SignedOut(self.machine.login_reason or "signed_out", self.machine.login_message)

    def emit(self, kind: type[Event], **fields: Any) -> None:
        self.host.emit(kind, self.name, **fields)
