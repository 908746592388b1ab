"""The asyncio driver of a tab's machine: it performs the actions, with httpx and the clock.

Every step of the refresh algorithm is the core's `TabMachine`; what lives here is I/O:
building and sending requests, the profile's `asyncio.Lock` (taken anyway after the
machine's timeout, in real time), the virtual clock's sleeps, and the typed events.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

import httpx

from harness.client.wire import build_request, reply_of
from harness.core import AccessToken, Finished, Flow, TabMachine
from harness.core.actions import (
    AcquireLock,
    Action,
    Adopt,
    Answer,
    Done,
    Heartbeat,
    IdleLogout,
    JoinFlight,
    Land,
    Landed,
    LockScope,
    LockTaken,
    NetworkFailed,
    RefreshBegins,
    RefreshFails,
    Rejected,
    ReleaseLock,
    Reply,
    Send,
    ShowBanner,
    ShowWarning,
    SignOut,
    Sleep,
    Store,
    TakeOff,
    Touch,
    Unsendable,
    Woke,
)
from harness.events import (
    BannerShown,
    NetworkError,
    RefreshFailed,
    RefreshRetry,
    RefreshStarted,
    RefreshSucceeded,
    RequestSent,
    ResponseReceived,
    TokenAdopted,
    Unauthorized,
    WarningShown,
)
from harness.events import IdleLogout as IdleLogoutEvent
from harness.target import contract
from harness.target.contract import Outgoing
from harness.target.templates import MissingValue

if TYPE_CHECKING:
    from harness.client.tab import Tab, TabHost

T = TypeVar("T")


@dataclass
class ApiCall:
    """The user's request of one flow: built anew with each token the machine names."""

    build: Callable[[str | None], Outgoing]
    stream: bool = False
    responses: list[httpx.Response] = field(default_factory=list)
    last: Outgoing | None = None


class HostClock:
    """The profile's two clocks, as the machine reads them."""

    def __init__(self, host: TabHost) -> None:
        self._host = host

    def now(self) -> datetime:
        return self._host.clock.now()

    def local_now(self) -> datetime:
        return self._host.local_now()


class Driver:
    """Runs one tab's flows: each action performed, each reply handed back."""

    def __init__(self, tab: Tab, machine: TabMachine) -> None:
        self.tab = tab
        self.host = tab.host
        self.machine = machine
        self._lock = asyncio.Lock()  # used instead of the profile's under per_tab_lock
        self._flight: asyncio.Future[AccessToken | None] | None = None

    async def run(self, flow: Flow[T], api: ApiCall | None = None) -> T:
        try:
            step = flow.start()
            while not isinstance(step, Finished):
                step = flow.send(await self._perform(step, api))
            return step.value
        finally:
            if not flow.finished:  # an exception: let go of the lock and the flight
                for action in flow.abandon():
                    await self._perform(action, api)

    async def _perform(self, action: Action, api: ApiCall | None) -> Reply | None:
        match action:
            case Send(sending="api", token=token):
                assert api is not None
                return await self._send_api(api, token)
            case Send(sending="refresh"):
                return await self._send_refresh()
            case AcquireLock(scope=scope, timeout_s=timeout_s):
                return await self._acquire(self._lock_for(scope), timeout_s)
            case ReleaseLock(scope=scope, owned=owned):
                if owned:
                    self._lock_for(scope).release()
            case Sleep(seconds=seconds, attempt=attempt, error=error):
                self.tab.emit(RefreshRetry, attempt=attempt, delay_s=seconds, error=error)
                await self.host.clock.sleep(seconds)
                return Woke()
            case TakeOff():
                self._flight = asyncio.get_running_loop().create_future()
            case Land(token=token):
                assert self._flight is not None
                self._flight.set_result(token)
                self._flight = None
            case JoinFlight():
                assert self._flight is not None
                return Landed(await asyncio.shield(self._flight))
            case Heartbeat():
                await self.tab.heartbeat()
                return Done()
            case _:
                self._record(action, api)
        return None

    def _record(self, action: Action, api: ApiCall | None) -> None:
        """The actions that only show or record: typed events and the profile's broadcast."""
        tab, state = self.tab, self.host.state
        match action:
            case Touch():
                state.touch(self.host.clock.now(), api=True)
            case RefreshBegins(reason=reason):
                tab.emit(RefreshStarted, reason=reason)
            case Adopt(token=token):
                tab.emit(TokenAdopted, access_expires_at=token.access_expires_at)
            case Store(token=token):
                tab.note_rotation()
                tab.emit(RefreshSucceeded, access_expires_at=token.access_expires_at)
                state.broadcast(token, sender=tab)
            case RefreshFails(error=error, fatal=fatal):
                tab.emit(RefreshFailed, error=error, fatal=fatal)
            case ShowBanner(message=message):
                tab.emit(BannerShown, message=message)
            case Rejected(reason=reason):
                path = api.last.path if api is not None and api.last is not None else ""
                tab.emit(Unauthorized, path=path, error=reason)
            case ShowWarning(kind=kind, seconds_left=left):
                tab.emit(WarningShown, warning=kind, seconds_left=left)
            case IdleLogout():
                tab.emit(IdleLogoutEvent)
            case SignOut(reason=reason, message=message):
                state.sign_out(reason, message, redirect=True)

    def _lock_for(self, scope: LockScope) -> asyncio.Lock:
        return self.host.refresh_lock if scope == "profile" else self._lock

    @staticmethod
    async def _acquire(lock: asyncio.Lock, timeout_s: float) -> LockTaken:
        try:
            await asyncio.wait_for(lock.acquire(), timeout_s)
        except TimeoutError:
            return LockTaken(stolen=True)  # its holder never let go: go on without it
        return LockTaken()

    # -- the wire -------------------------------------------------------------------------

    async def _send_api(self, api: ApiCall, token: str | None) -> Answer | NetworkFailed:
        outgoing = api.last = api.build(token)
        try:
            response = await self.send(outgoing, stream=api.stream)
        except httpx.TransportError as exc:
            return NetworkFailed(f"{type(exc).__name__}: {exc}")
        api.responses.append(response)
        spec = self.host.target.profile
        if response.status_code not in spec.access.rejected_status:
            return Answer(response.status_code)
        # A refusal's body was read by `send`, streaming or not.
        reason = contract.reason_of(spec, reply_of(response), outgoing.purpose)
        return Answer(response.status_code, reason, rejected=True)

    async def _send_refresh(self) -> Answer | NetworkFailed | Unsendable:
        try:
            outgoing = self.tab.refresh_outgoing()
        except MissingValue:
            return Unsendable()
        try:
            response = await self.send(outgoing)
        except httpx.TransportError as exc:
            return NetworkFailed(type(exc).__name__)
        spec, reply = self.host.target.profile, reply_of(response)
        if not 200 <= reply.status < 300:
            return Answer(reply.status, contract.reason_of(spec, reply, "refresh"))
        local_now = self.host.local_now()
        grant = contract.read_grant(spec, "refresh", reply, local_now)
        self.tab.judge_grant(grant, "refresh")
        return Answer(reply.status, grant=grant, received_at=local_now)

    async def send(self, outgoing: Outgoing, *, stream: bool = False) -> httpx.Response:
        """Send one request as-is (no refresh logic), recording it and its answer."""
        http, tab = self.host.http, self.tab
        request = build_request(http, outgoing)
        method, path, purpose = outgoing.method, outgoing.path, outgoing.purpose
        tab.emit(RequestSent, method=method, path=path, purpose=purpose)
        try:
            response = await http.send(request, stream=stream)
        except httpx.TransportError as exc:
            tab.emit(NetworkError, path=path, error=f"{type(exc).__name__}: {exc}")
            raise
        reason = None
        if response.status_code >= 400:
            await response.aread()
            reason = contract.reason_of(self.host.target.profile, reply_of(response), purpose)
        tab.emit(
            ResponseReceived,
            method=method,
            path=path,
            purpose=purpose,
            status=response.status_code,
            error=reason,
        )
        return response
