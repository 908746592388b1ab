"""A simulated browser tab: the request path of docs/refresh-algorithm.md and the tab's timers."""

from __future__ import annotations

import asyncio
import contextlib
import json as jsonlib
from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx

from harness.client.errors import ConnectionProblem, LoginFailed, SignedOut
from harness.client.messages import (
    BANNER_CONNECTION,
    LOGGED_OUT_REASON,
    RETRYABLE_401,
    error_code,
    login_message,
)
from harness.client.refresh import refresh_with_retries
from harness.client.timers import TabTimers
from harness.client.tokens import AccessToken
from harness.events import (
    BannerShown,
    Event,
    IdleLogout,
    LoggedIn,
    LoggedOut,
    NetworkError,
    RedirectToLogin,
    RefreshFailed,
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

if TYPE_CHECKING:
    from harness.client.profile import Profile


class Tab:
    """One page of a profile; a clock participant whose timers are the refresh tick and warnings."""

    def __init__(self, profile: Profile, name: str) -> None:
        self.profile = profile
        self.name = name
        self.signed_in = False
        self.login_reason: str | None = None  # the code that sent the tab to the login page
        self.login_message: str | None = None
        self.banner: str | None = None
        self.token: AccessToken | None = None
        self.timers = TabTimers(self)
        self._lock = asyncio.Lock()  # used instead of the profile's under per_tab_lock
        self._inflight: asyncio.Future[AccessToken | None] | None = None

    def __repr__(self) -> str:
        return f"<Tab {self.profile.name}/{self.name} signed_in={self.signed_in}>"

    @property
    def warning(self) -> str | None:
        """The expiry warning on screen: "absolute", "idle" or None."""
        return self.timers.warning() if self.signed_in else None

    # -- user actions ---------------------------------------------------------------------

    async def login(self, email: str, password: str) -> None:
        profile = self.profile
        await profile.load_config()
        response = await self.send(
            "POST", "/api/auth/login", json={"email": email, "password": password}
        )
        if response.status_code != 200:
            raise LoginFailed(response.status_code, error_code(response))
        token = AccessToken.from_response(response.json(), profile.local_now())
        self.join_session(token)
        profile.session_started(token)
        self._emit(
            LoggedIn,
            access_expires_at=token.access_expires_at,
            session_expires_at=token.session_expires_at,
        )

    async def request(self, method: str, path: str, *, json: Any = None) -> httpx.Response:
        """An authenticated API call (activity): ensure_fresh, bearer, 401 → refresh → one retry."""
        return await self._authed(method, path, json, stream=False)

    async def get(self, path: str) -> httpx.Response:
        return await self.request("GET", path)

    async def post(self, path: str, json: Any = None) -> httpx.Response:
        return await self.request("POST", path, json=json)

    async def chat(self, message: str) -> str:
        response = await self.post("/api/chat", {"message": message})
        response.raise_for_status()
        return str(response.json()["reply"])

    async def stream_chat(self, message: str) -> list[str]:
        """POST /api/chat/stream through the same auth path; the text of each `chunk` event."""
        response = await self._authed("POST", "/api/chat/stream", {"message": message}, stream=True)
        try:
            response.raise_for_status()
            return [text async for text in _chunks(response)]
        finally:
            await response.aclose()

    async def activity(self) -> None:
        """A click or a key press: resets the profile's idle timer."""
        self._require_signed_in()
        self.profile.touch()

    async def stay_signed_in(self) -> None:
        """The warning's button: activity plus GET /api/auth/session (server extends too)."""
        await self.activity()
        response = await self.get("/api/auth/session")
        response.raise_for_status()

    async def logout(self) -> None:
        """POST /api/auth/logout, then every tab of the profile goes to the login page."""
        if not self.signed_in:
            return
        # Offline, the session still ends here; the server expires it on its own.
        with contextlib.suppress(httpx.TransportError):
            await self.send("POST", "/api/auth/logout")
        self.profile.sign_out(LOGGED_OUT_REASON, None, redirect=False)

    # -- the request path -----------------------------------------------------------------

    async def _authed(self, method: str, path: str, json: Any, *, stream: bool) -> httpx.Response:
        try:
            return await self._authed_once(method, path, json, stream=stream)
        except httpx.TransportError as exc:
            raise ConnectionProblem(f"{method} {path}: {type(exc).__name__}") from exc

    async def _authed_once(
        self, method: str, path: str, json: Any, *, stream: bool
    ) -> httpx.Response:
        self._require_signed_in()
        self.profile.touch(api=True)
        token = await self._ensure_fresh()
        response = await self.send(method, path, json=json, token=token, stream=stream)
        if response.status_code != 401:
            return response
        code = error_code(response)
        self._emit(Unauthorized, path=path, error=code)
        if code not in RETRYABLE_401:
            return self._fatal_401(code, response)
        fresh = await self._refresh("reactive", started_with=token)
        if fresh is None:
            self._require_signed_in()
            raise ConnectionProblem(self.banner or BANNER_CONNECTION)
        response = await self.send(method, path, json=json, token=fresh, stream=stream)
        if response.status_code == 401:  # a second 401 is not retried again
            code = error_code(response)
            self._emit(Unauthorized, path=path, error=code)
            return self._fatal_401(code, response)
        return response

    def _fatal_401(self, code: str, response: httpx.Response) -> httpx.Response:
        if not code.startswith("session_"):
            return response
        self._end_session(code)
        raise SignedOut(code, login_message(code))

    async def _ensure_fresh(self) -> AccessToken:
        token = self.token
        if token is not None and not self._needs_refresh(token):
            return token
        fresh = await self._refresh("proactive", started_with=token)
        if fresh is not None:
            return fresh
        self._require_signed_in()
        if token is not None and token.seconds_left(self.profile.local_now()) > 0:
            return token  # the refresh failed on the network; the old token still works
        raise ConnectionProblem(self.banner or BANNER_CONNECTION)

    def _needs_refresh(self, token: AccessToken | None) -> bool:
        if token is None:
            return True
        if not self.profile.options.proactive_refresh:
            return False
        return token.seconds_left(self.profile.local_now()) <= self._threshold()

    def _threshold(self) -> float:
        config = self.profile.config
        if config is None or not self.profile.options.proactive_refresh:
            return 0.0
        return config.refresh_threshold_seconds

    async def send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        token: AccessToken | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        http = self.profile.http
        headers = {"Authorization": f"Bearer {token.value}"} if token is not None else None
        request = http.build_request(method, path, json=json, headers=headers)
        self._emit(RequestSent, method=method, path=path)
        try:
            response = await http.send(request, stream=stream)
        except httpx.TransportError as exc:
            self._emit(NetworkError, path=path, error=f"{type(exc).__name__}: {exc}")
            raise
        code = None
        if response.status_code >= 400:
            await response.aread()
            code = error_code(response)
        self._emit(
            ResponseReceived, method=method, path=path, status=response.status_code, error=code
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
        return self.profile.lock if self.profile.options.shared_lock else self._lock

    async def _refresh_locked(
        self, reason: str, started_with: AccessToken | None
    ) -> AccessToken | None:
        profile = self.profile
        async with self._refresh_lock():
            if not self.signed_in:
                return None
            # Under per_tab_lock the tab sees only its own token: another request of this tab
            # may have refreshed it since `started_with` failed.
            shared = profile.token if profile.options.shared_lock else self.token
            # Step 3, the re-check: another tab refreshed while this one waited for the lock.
            if (
                shared is not None
                and shared is not started_with
                and not self._needs_refresh(shared)
            ):
                self.adopt(shared)
                return shared
            self._emit(RefreshStarted, reason=reason)
            response, error = await refresh_with_retries(self)
            if not self.signed_in:  # another tab signed the profile out during the backoff
                return None
            if response is None:
                self._emit(RefreshFailed, error=error, fatal=False)
                self._show_banner()
                return None
            if response.status_code != 200:
                code = error_code(response)
                self._emit(RefreshFailed, error=code, fatal=True)
                self._end_session(code)
                return None
            token = AccessToken.from_response(response.json(), profile.local_now())
            if profile.new_refresh_cookie():
                self._emit(Rotation)
            self._emit(RefreshSucceeded, access_expires_at=token.access_expires_at)
            self.token = token
            self.banner = None
            profile.broadcast(token, sender=self)
            return token

    def _show_banner(self) -> None:
        if self.banner is None:  # one event per banner appearance, not per failed cycle
            self._emit(BannerShown, message=BANNER_CONNECTION)
        self.banner = BANNER_CONNECTION

    # -- state changes driven by the profile ----------------------------------------------

    def join_session(self, token: AccessToken | None) -> None:
        self.signed_in = True
        self.login_reason = self.login_message = self.banner = None
        self.token = token
        self.timers.reset()

    def adopt(self, token: AccessToken) -> None:
        """Take a token another tab of the profile refreshed (broadcast or re-check)."""
        if token is self.token:
            return
        self.token = token
        self.banner = None
        self._emit(TokenAdopted, access_expires_at=token.access_expires_at)

    def activity_seen(self) -> None:
        if self.signed_in and self.timers.dismiss_idle_warning():
            self._emit(WarningDismissed, warning="idle")

    def to_login(self, reason: str, message: str | None, *, redirect: bool) -> None:
        self.signed_in = False
        self.token = None
        self.banner = None
        self.login_reason = reason
        self.login_message = message
        self.timers.reset()
        if redirect:
            self._emit(RedirectToLogin, reason=reason, message=message or "")
        else:
            self._emit(LoggedOut, reason=reason)

    # -- timers (ClockParticipant) --------------------------------------------------------

    def next_due(self) -> datetime | None:
        return self.timers.next_due() if self.signed_in else None

    async def clock_moved(self, now: datetime, mode: str) -> None:
        if not self.signed_in:
            return
        for name in self.timers.fire_due(now):
            if not self.signed_in:
                return
            await self._on_timer(name)

    async def _on_timer(self, name: str) -> None:
        if name == "tick":
            await self._tick()
        elif name in ("idle_warning", "absolute_warning"):
            kind = name.removesuffix("_warning")
            self._emit(WarningShown, warning=kind, seconds_left=self.timers.seconds_left(kind))
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
        if self.signed_in and self.banner is None and self.profile.heartbeat_due():
            await self._heartbeat()

    async def _heartbeat(self) -> None:
        """Clicks without API calls: tell the server the user is active (GET /api/auth/session)."""
        self.profile.heartbeat_inflight = True
        try:
            with contextlib.suppress(ConnectionProblem, SignedOut):
                await self.get("/api/auth/session")
        finally:
            self.profile.heartbeat_inflight = False

    # -- helpers --------------------------------------------------------------------------

    def _end_session(self, code: str) -> None:
        """A fatal `code`: every tab of the profile goes to the login page with its message."""
        self.profile.sign_out(code, login_message(code), redirect=True)

    def _require_signed_in(self) -> None:
        if not self.signed_in:
            raise SignedOut(self.login_reason or "signed_out", self.login_message)

    def _emit(self, kind: type[Event], **fields: Any) -> None:
        self.profile.emit(kind, self.name, **fields)


async def _chunks(response: httpx.Response) -> AsyncIterator[str]:
    """The `data.text` of each `event: chunk` of a text/event-stream body."""
    event = "message"
    async for line in response.aiter_lines():
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:") and event == "chunk":
            yield str(jsonlib.loads(line[5:].strip())["text"])
        elif not line:
            event = "message"
