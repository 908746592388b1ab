"""Turn what a tab shows and sends into the typed events of `harness.events` (source "browser")."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.async_api import ConsoleMessage, Dialog, Page, Request, Response
from playwright.async_api import Error as PlaywrightError

from harness.browser.network import FETCH_ANNOUNCEMENT
from harness.events import (
    EVENT_TYPES,
    ConsoleError,
    Event,
    Recorder,
    RedirectToLogin,
    RefreshFailed,
    RequestSent,
    ResponseReceived,
    Rotation,
    Unauthorized,
)

AUTH_EVENT_PREFIX = "auth-event "
# What a page reports as it ends its session, before it moves to the login page.
LEAVING_KINDS = frozenset({"logged_out", "idle_logout", RedirectToLogin.kind})
LEAVING_TIMEOUT_MS = 5_000
REFRESH_PATH = "/api/auth/refresh"
LOGIN_PATH = "/login"
LOGOUT_REASON = "logout"
API_RESOURCE_TYPES = frozenset({"fetch", "xhr"})
# Requests whose 401 is an answer about credentials, not an API call meeting an expired token.
NOT_API_CALLS = frozenset({"login", "refresh", "config"})
# The driver sees these itself, more reliably than the page can report them.
DRIVER_OWNED_KINDS = frozenset({RedirectToLogin.kind, Unauthorized.kind})
# Chromium logs every failed or 4xx load as a console error; those are recorded as
# responses already, and a 401 the client recovers from is not an error of the page.
NETWORK_NOISE = "Failed to load resource"
_BASE_FIELDS = frozenset(f.name for f in dataclasses.fields(Event))


def parse_auth_event(
    text: str, *, page_skew: timedelta = timedelta(0), **base: Any
) -> Event | None:
    """`auth-event {"kind": "refresh_started", "reason": "timer"}` → RefreshStarted(...).

    `base` supplies at/wall/source/profile/tab; the page's own `at` (its clock, which
    follows the virtual clock `page_skew` ahead) wins, as ISO 8601 or JavaScript milliseconds.
    Returns None for lines that are not auth events; a malformed one becomes a ConsoleError
    so a frontend that reports badly shows up in the report instead of vanishing.
    """
    if not text.startswith(AUTH_EVENT_PREFIX):
        return None
    try:
        payload = json.loads(text[len(AUTH_EVENT_PREFIX) :])
        kind = payload.pop("kind")
        cls = EVENT_TYPES[kind]
        if "at" in payload:
            base["at"] = _to_datetime(payload.pop("at")) - page_skew
        values = {
            f.name: _coerce(f, payload[f.name])
            for f in dataclasses.fields(cls)
            if f.name not in _BASE_FIELDS and f.name in payload
        }
        return cls(**base, **values)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        clean = {k: v for k, v in base.items() if k in _BASE_FIELDS}
        return ConsoleError(**clean, message=f"malformed auth-event ({exc!r}): {text}")


def _coerce(field: dataclasses.Field[Any], value: Any) -> Any:
    return _to_datetime(value) if "datetime" in str(field.type) else value


def _to_datetime(value: Any) -> datetime:
    """An ISO 8601 string, or a JavaScript time (milliseconds since the epoch, UTC)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise TypeError(f"not a time: {value!r}")


class RefreshCookies:
    """The refresh tokens one profile was handed in its cookie: a new one in a refresh answer
    is a rotation (a grace-window answer handing several tabs the same one counts once)."""

    def __init__(self, name: str | None) -> None:
        self.name = name
        self._seen: set[str] = set()

    def new_values(self, set_cookies: list[str]) -> list[str]:
        """The values of the refresh cookie in these Set-Cookie headers not seen before."""
        fresh = []
        for header in set_cookies:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if name.strip() == self.name and value and value not in self._seen:
                self._seen.add(value)
                fresh.append(value)
        return fresh


class TabRecorder:
    """Listens to one page and emits its events; counts the raw refresh requests it sends."""

    def __init__(
        self,
        page: Page,
        recorder: Recorder,
        *,
        profile: str,
        tab: str,
        now: Callable[[], datetime],
        purposes: Mapping[str, str] | None = None,
        page_skew: timedelta = timedelta(0),
        refresh_cookies: RefreshCookies | None = None,
        on_refresh_request: Callable[[], None] | None = None,
        on_fetch: Callable[[], None] | None = None,
    ) -> None:
        self.page = page
        self.recorder = recorder
        self.profile = profile
        self.tab = tab
        self.now = now
        # What each API path is for, as the target profile names it; others are "api".
        self.purposes = purposes or {REFRESH_PATH: "refresh"}
        self.page_skew = page_skew
        self.refresh_cookies = refresh_cookies or RefreshCookies(None)
        self.refresh_requests = 0
        self._on_refresh_request = on_refresh_request
        self._on_fetch = on_fetch
        self._leaving = False
        self._redirect_at: datetime | None = None
        self._last_path = ""
        self._navigations: set[asyncio.Task[None]] = set()
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        page.on("request", self._on_request)
        page.on("response", self._on_response)
        page.on("framenavigated", self._track_navigation)
        page.on("dialog", self._on_dialog)

    def base(self) -> dict[str, Any]:
        return {
            "at": self.now(),
            "wall": self.recorder.wall(),
            "source": "browser",
            "profile": self.profile,
            "tab": self.tab,
        }

    def emit(self, cls: type[Event], base: dict[str, Any] | None = None, **fields: Any) -> None:
        self.recorder.emit(cls(**(base or self.base()), **fields))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.text == FETCH_ANNOUNCEMENT:
            if self._on_fetch is not None:
                self._on_fetch()
            return
        event = parse_auth_event(message.text, page_skew=self.page_skew, **self.base())
        if event is not None:
            self._note_leaving(event)
            if event.kind not in DRIVER_OWNED_KINDS:
                self.recorder.emit(event)
        elif message.type == "error" and not message.text.startswith(NETWORK_NOISE):
            self.emit(ConsoleError, message=message.text)

    def _note_leaving(self, event: Event) -> None:
        """The page said it is ending the session: its move to the login page is coming."""
        fatal = isinstance(event, RefreshFailed) and event.fatal
        if fatal or event.kind in LEAVING_KINDS:
            self._leaving = True
        if isinstance(event, RedirectToLogin):
            self._redirect_at = event.at  # the page's own clock, not when the driver saw it

    def _on_page_error(self, error: Exception) -> None:
        self.emit(ConsoleError, message=f"uncaught: {error}")

    def _purpose(self, request: Request) -> str | None:
        """What an API request (fetch/XHR to a path of the profile, or under /api/) is for."""
        path = urlsplit(request.url).path
        if request.resource_type not in API_RESOURCE_TYPES:
            return None
        if path in self.purposes:
            return self.purposes[path]
        return "api" if path.startswith("/api/") else None

    def _on_request(self, request: Request) -> None:
        purpose = self._purpose(request)
        if purpose is None:
            return
        if purpose == "refresh":
            self.refresh_requests += 1
            if self._on_refresh_request is not None:
                self._on_refresh_request()
        path = urlsplit(request.url).path
        self.emit(RequestSent, method=request.method, path=path, purpose=purpose)

    async def _on_response(self, response: Response) -> None:
        purpose = self._purpose(response.request)
        if purpose is None:
            return
        path = urlsplit(response.url).path
        base = self.base()  # the time it arrived, not the time its body was read
        error = await error_code(response) if response.status >= 400 else None
        self.emit(
            ResponseReceived,
            base,
            method=response.request.method,
            path=path,
            purpose=purpose,
            status=response.status,
            error=error,
        )
        if response.status == 401 and purpose not in NOT_API_CALLS:
            self.emit(Unauthorized, base, path=path, error=error or "")
        if purpose in ("login", "refresh") and response.ok:
            fresh = self.refresh_cookies.new_values(await response.header_values("set-cookie"))
            if fresh and purpose == "refresh":
                self.emit(Rotation, base)

    def _track_navigation(self, frame: Any) -> None:
        # Registered synchronously, so `settle()` sees it before anyone else reacts to the URL.
        task = asyncio.ensure_future(self._on_navigated(frame))
        self._navigations.add(task)
        task.add_done_callback(self._navigations.discard)

    async def settle(self) -> None:
        """Wait until the navigations seen so far are recorded (a redirect waits for its text),
        and a page that said it is signing out has reached the login page."""
        if self._leaving and urlsplit(self.page.url).path != LOGIN_PATH:
            with contextlib.suppress(PlaywrightError):
                await self.page.wait_for_url(_on_login, timeout=LEAVING_TIMEOUT_MS)
        if self._navigations:
            await asyncio.gather(*list(self._navigations), return_exceptions=True)

    async def _on_navigated(self, frame: Any) -> None:
        if frame != self.page.main_frame:
            return
        url = urlsplit(frame.url)
        previous, self._last_path = self._last_path, url.path
        # Only a move from an app page counts: opening /login directly is not a redirect,
        # nor is signing out (the page reports that as logged_out).
        if url.path != LOGIN_PATH:
            return
        self._leaving, redirect_at, self._redirect_at = False, self._redirect_at, None
        if previous in ("", LOGIN_PATH):
            return
        base = self.base()
        if redirect_at is not None:
            base["at"] = redirect_at
        reason = parse_qs(url.query).get("reason", [""])[0]
        if reason == LOGOUT_REASON:
            return
        self.emit(RedirectToLogin, base, reason=reason, message=await self._login_message())

    async def _login_message(self) -> str:
        locator = self.page.get_by_test_id("login-message")
        try:
            await locator.wait_for(state="attached", timeout=2000)
            return (await locator.text_content(timeout=1000) or "").strip()
        except Exception:  # navigated away or the page shows no message: record it empty
            return ""

    async def _on_dialog(self, dialog: Dialog) -> None:
        # A native dialog blocks the page; an auth flow must never raise one.
        self.emit(ConsoleError, message=f"{dialog.type} dialog: {dialog.message}")
        await dialog.dismiss()


def _on_login(url: str) -> bool:
    return urlsplit(url).path == LOGIN_PATH


async def error_code(response: Response) -> str:
    """The `error` field of a JSON answer ("" without one)."""
    try:
        body = await response.json()
    except Exception:  # body gone (navigation) or not JSON
        return ""
    return str(body.get("error", "")) if isinstance(body, dict) else ""
