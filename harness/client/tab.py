"""A simulated browser tab: the request path of docs/refresh-algorithm.md and the tab's timers."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal, Protocol

import httpx

from harness.client.errors import (
    ActionFailed,
    ConnectionProblem,
    LoginFailed,
    SignedOut,
    Unsupported,
)
from harness.client.network import Network
from harness.client.refresh import refresh_with_retries
from harness.client.target import Target
from harness.client.wire import build_request, jar, json_reply, reply_of
from harness.clock import VirtualClock
from harness.core import (
    AccessToken,
    Backoff,
    ClientPolicy,
    ProfileState,
    adoptable,
    judge_api_reply,
    needs_refresh,
)
from harness.core.deadlines import idle_announcement_problem
from harness.core.timers import TabTimers, TimerName, WarningKind
from harness.drivers import ExpiryWarning
from harness.events import (
    BannerShown,
    Event,
    IdleLogout,
    LoggedIn,
    LoggedOut,
    NetworkError,
    RedirectToLogin,
    RefreshFailed,
    RefreshRetry,
    RefreshStarted,
    RefreshSucceeded,
    RequestSent,
    ResponseReceived,
    Rotation,
    TokenAdopted,
    Unauthorized,
    WarningDismissed,
    WarningShown,
)
from harness.target import User, contract
from harness.target.contract import Outgoing, Purpose
from harness.target.model import Request
from harness.target.templates import MissingValue

LOGGED_OUT_REASON = "logout"
# Injected bug `refresh_of_refresh`: how often a refused refresh is refreshed again (a real
# client with this bug loops until the user gives up).
REFRESH_OF_REFRESH_TRIES = 3
NO_PAGE = "a simulated tab has no page to hide or freeze (its refresh lock has no timeout)"


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
        self.in_session = False
        self._login_reason: str | None = None  # the reason that sent the tab to the login page
        self._login_message: str | None = None
        self._banner: str | None = None
        self.token: AccessToken | None = None
        self.timers = TabTimers(host.state, self)
        self._lock = asyncio.Lock()  # used instead of the profile's under per_tab_lock
        self._inflight: asyncio.Future[AccessToken | None] | None = None

    def __repr__(self) -> str:
        return f"<Tab {self.host.name}/{self.name} in_session={self.in_session}>"

    @property
    def profile(self) -> TabHost:
        return self.host

    # -- what the tab shows (the views of harness.drivers.TabDriver) ----------------------

    async def signed_in(self) -> bool:
        return self.in_session

    async def login_reason(self) -> str | None:
        return None if self.in_session else self._login_reason

    async def login_message(self) -> str | None:
        return None if self.in_session else self._login_message

    async def banner(self) -> str | None:
        return self._banner

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
        response = await self.send_outgoing(outgoing)
        reply = reply_of(response)
        if not 200 <= reply.status < 300:
            raise LoginFailed(reply.status, contract.reason_of(spec, reply, "login"))
        grant = contract.read_grant(spec, "login", reply, host.local_now())
        token = self._take_grant(grant, sign_in=True)
        self.join_session(token)
        host.state.session_started(token, host.clock.now())
        self._emit(
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
                await self.send_outgoing(self._outgoing(spec, "logout", {}))
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
        try:
            return await self._authed_once(build, stream=stream)
        except httpx.TransportError as exc:
            raise ConnectionProblem(f"{type(exc).__name__}: {exc}") from exc

    async def _authed_once(
        self, build: Callable[[str | None], Outgoing], *, stream: bool
    ) -> httpx.Response:
        self._require_signed_in()
        self.host.state.touch(self.host.clock.now(), api=True)
        token = await self._ensure_fresh()
        for retried in (False, True):
            outgoing = build(token.value)
            response = await self.send_outgoing(outgoing, stream=stream)
            verdict, reason = self._judge(response, outgoing, retried=retried)
            if verdict == "deliver":
                return response
            if verdict == "sign_out":
                self._end_session(reason)
                raise SignedOut(reason, self.host.state.policy.message_for(reason))
            if self.policy.has("drop_early_401") and self._refresh_in_flight():
                return response  # injected bug: the refusal is not retried after that refresh
            fresh = await self._refresh("reactive", started_with=token)
            if fresh is None:
                self._require_signed_in()
                raise ConnectionProblem(self._banner or self.host.state.policy.banner_connection)
            token = fresh
        raise AssertionError("unreachable: the second answer is always delivered or fatal")

    def _judge(
        self, response: httpx.Response, outgoing: Outgoing, *, retried: bool
    ) -> tuple[str, str]:
        spec = self.host.target.profile
        if response.status_code not in spec.access.rejected_status:
            return "deliver", ""
        # A refusal's body was read by send_outgoing, streaming or not.
        reason = contract.reason_of(spec, reply_of(response), outgoing.purpose)
        self._emit(Unauthorized, path=outgoing.path, error=reason)
        verdict = judge_api_reply(
            rejected=True, reason=reason, retried=retried, policy=self.host.state.policy
        )
        return verdict, reason

    async def _ensure_fresh(self) -> AccessToken:
        token = self.token
        if token is not None and not self._needs_refresh(token):
            return token
        fresh = await self._refresh("proactive", started_with=token)
        if fresh is not None:
            return fresh
        self._require_signed_in()
        if token is not None and token.seconds_left(self.host.local_now()) > 0:
            return token  # the refresh failed on the network; the old token still works
        raise ConnectionProblem(self._banner or self.host.state.policy.banner_connection)

    @property
    def policy(self) -> ClientPolicy:
        return self.host.state.policy

    async def back_off(self, step: Backoff) -> None:
        self._emit(RefreshRetry, attempt=step.attempt, delay_s=step.delay, error=step.error)
        await self.host.clock.sleep(step.delay)

    def _needs_refresh(self, token: AccessToken | None) -> bool:
        return needs_refresh(token, self.host.local_now(), self.host.state.policy)

    async def send_outgoing(self, outgoing: Outgoing, *, stream: bool = False) -> httpx.Response:
        """Send one request as-is (no refresh logic), recording it and its answer."""
        http = self.host.http
        request = build_request(http, outgoing)
        method, path, purpose = outgoing.method, outgoing.path, outgoing.purpose
        self._emit(RequestSent, method=method, path=path, purpose=purpose)
        try:
            response = await http.send(request, stream=stream)
        except httpx.TransportError as exc:
            self._emit(NetworkError, path=path, error=f"{type(exc).__name__}: {exc}")
            raise
        reason = None
        if response.status_code >= 400:
            await response.aread()
            reason = contract.reason_of(self.host.target.profile, reply_of(response), purpose)
        self._emit(
            ResponseReceived,
            method=method,
            path=path,
            purpose=purpose,
            status=response.status_code,
            error=reason,
        )
        return response

    # -- refresh (single flight across the profile) ---------------------------------------

    async def _refresh(
        self, reason: str, *, started_with: AccessToken | None
    ) -> AccessToken | None:
        """Step 1: a refresh already in flight in this tab is awaited, not repeated."""
        if self._inflight is not None:
            return await asyncio.shield(self._inflight)
        flight: asyncio.Future[AccessToken | None] = asyncio.get_running_loop().create_future()
        self._inflight = flight
        result: AccessToken | None = None
        try:
            result = await self._refresh_locked(reason, started_with)
            return result
        finally:
            self._inflight = None
            flight.set_result(result)

    def _refresh_lock(self) -> asyncio.Lock:
        return self.host.refresh_lock if self.host.state.policy.shared_lock else self._lock

    def _refresh_in_flight(self) -> bool:
        return self._inflight is not None or self._refresh_lock().locked()

    async def _refresh_locked(
        self, reason: str, started_with: AccessToken | None
    ) -> AccessToken | None:
        host = self.host
        async with self._refresh_lock():
            if not self.in_session:
                return None
            # Under per_tab_lock the tab sees only its own token: another request of this tab
            # may have refreshed it since `started_with` failed.
            shared = host.state.token if host.state.policy.shared_lock else self.token
            found = adoptable(shared, started_with, host.local_now(), host.state.policy)
            if host.state.policy.has("no_lock_recheck"):
                found = None
            if found is not None:  # step 3: another tab refreshed while this one waited
                self.adopt(found)
                return found
            self._emit(RefreshStarted, reason=reason)
            return await self._refresh_request()

    async def _refresh_request(self) -> AccessToken | None:
        host = self.host
        try:
            outgoing = self.refresh_outgoing()
        except MissingValue:  # nothing to refresh with: the session cannot go on
            self._emit(RefreshFailed, error="refresh_missing", fatal=True)
            self._end_session("refresh_missing")
            return None
        response, error = await refresh_with_retries(self, outgoing)
        if self.policy.has("refresh_of_refresh"):
            for _ in range(REFRESH_OF_REFRESH_TRIES):
                if response is None or response.status_code not in (401, 403):
                    break
                response, error = await refresh_with_retries(self, outgoing)
        if not self.in_session:  # another tab signed the profile out during the backoff
            return None
        if response is None and self.policy.has("network_error_signs_out"):
            self._emit(RefreshFailed, error=error, fatal=True)
            self._end_session(error)
            return None
        if response is None:
            self._emit(RefreshFailed, error=error, fatal=False)
            self._show_banner()
            return None
        reply = reply_of(response)
        spec = host.target.profile
        if not 200 <= reply.status < 300:
            code = error or contract.reason_of(spec, reply, "refresh")
            self._emit(RefreshFailed, error=code, fatal=True)
            self._end_session(code)
            return None
        token = self._take_grant(contract.read_grant(spec, "refresh", reply, host.local_now()))
        self._emit(RefreshSucceeded, access_expires_at=token.access_expires_at)
        self.token = token
        self._banner = None
        host.state.broadcast(token, sender=self)
        return token

    def refresh_outgoing(self) -> Outgoing:
        """The refresh request as the profile describes it (raises MissingValue without a token)."""
        spec = self.host.target.profile
        return self._outgoing(spec.refresh, "refresh", {}, self.token.value if self.token else None)

    def _take_grant(self, grant: contract.Grant, *, sign_in: bool = False) -> AccessToken:
        """Keep the refresh token the app handed over and note a rotation."""
        state, spec = self.host.state, self.host.target.profile
        purpose: Literal["login", "refresh"] = "login" if sign_in else "refresh"
        if spec.tokens_for(purpose).idle_expires_at is not None:
            server_now = grant.server_time or self.host.local_now()
            self._judge_idle(grant.idle_expires_at, server_now, purpose, sign_in)
        if state.policy.has("ignore_clock_skew"):
            grant = dataclasses.replace(grant, server_time=None)
        if grant.refresh_token is not None:
            state.refresh_token = grant.refresh_token
        cookie = spec.refresh_cookie()
        current = jar(self.host.http).get(cookie) if cookie else state.refresh_token
        first = not state.session_open
        if state.new_refresh_token(current) and not first:
            self._emit(Rotation)
        return AccessToken.from_grant(grant, self.host.local_now())

    def _judge_idle(
        self, announced: datetime | None, server_now: datetime, purpose: str, activity: bool
    ) -> None:
        idle = self.host.state.policy.idle_timeout_seconds
        problem = idle_announcement_problem(announced, server_now, idle, after_activity=activity)
        if problem is not None:
            raise contract.ContractError(f"the {purpose} response {problem}")

    def _show_banner(self) -> None:
        message = self.host.state.policy.banner_connection
        if self._banner is None:  # one event per banner appearance, not per failed cycle
            self._emit(BannerShown, message=message)
        self._banner = message

    # -- state changes driven by the profile (TabPeer) ------------------------------------

    def join_session(self, token: AccessToken | None) -> None:
        self.in_session = True
        self._login_reason = self._login_message = self._banner = None
        self.token = token
        self.timers.reset(self.host.clock.now())

    def adopt(self, token: AccessToken) -> None:
        """Take a token another tab of the profile refreshed (broadcast or re-check)."""
        if token is self.token:
            return
        self.token = token
        self._banner = None
        self._emit(TokenAdopted, access_expires_at=token.access_expires_at)

    def activity_seen(self) -> None:
        if self.in_session and self.timers.dismiss_idle_warning():
            self._emit(WarningDismissed, warning="idle")

    def to_login(self, reason: str, message: str | None, *, redirect: bool) -> None:
        self.in_session = False
        self.token = None
        self._banner = None
        self._login_reason = reason
        self._login_message = message
        self.timers.reset(self.host.clock.now())
        if redirect:
            self._emit(RedirectToLogin, reason=reason, message=message or "")
        else:
            self._emit(LoggedOut, reason=reason)

    # -- timers (ClockParticipant) --------------------------------------------------------

    def next_due(self) -> datetime | None:
        return self.timers.next_due() if self.in_session else None

    async def clock_moved(self, now: datetime, mode: str) -> None:
        if not self.in_session:
            return
        for name in self.timers.fire_due(now):
            if not self.in_session:
                return
            await self._on_timer(name)

    async def _on_timer(self, name: TimerName) -> None:
        if name == "tick":
            await self._tick()
        elif name in ("idle_warning", "absolute_warning"):
            kind: WarningKind = "idle" if name == "idle_warning" else "absolute"
            left = self.timers.seconds_left(kind, self.host.clock.now())
            self._emit(WarningShown, warning=kind, seconds_left=left)
        elif name == "idle_logout":
            self._emit(IdleLogout)
            self._end_session("session_idle")
        elif name == "absolute_end":
            self._end_session("session_expired")

    async def _tick(self) -> None:
        # Skip while a refresh is in flight anywhere in the profile: its broadcast will come.
        # Waiting for it here would deadlock, since its backoff waits on this very clock step.
        if self._inflight is not None or self._refresh_lock().locked():
            return
        if self._needs_refresh(self.token):
            await self._refresh("timer", started_with=self.token)
        # After a failed refresh the heartbeat would only repeat it; the next tick tries again.
        state = self.host.state
        if self.in_session and self._banner is None and state.heartbeat_due(self.host.clock.now()):
            await self._heartbeat()

    async def _heartbeat(self) -> None:
        """Clicks without API calls: tell the server the user is active (the probe request)."""
        if self.host.target.profile.probe is None:
            return
        state = self.host.state
        state.heartbeat_inflight = True
        try:
            with contextlib.suppress(ConnectionProblem, SignedOut):
                await self.probe()
        finally:
            state.heartbeat_inflight = False

    # -- helpers --------------------------------------------------------------------------

    def _end_session(self, reason: str) -> None:
        """A fatal `reason`: every tab of the profile goes to the login page with its message."""
        message = self.host.state.policy.message_for(reason)
        self.host.state.sign_out(reason, message, redirect=True)

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
            raise SignedOut(self._login_reason or "signed_out", self._login_message)

    def _emit(self, kind: type[Event], **fields: Any) -> None:
        self.host.emit(kind, self.name, **fields)
