"""Turn what a tab shows and sends into the typed events of `harness.events` (source "browser")."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.async_api import ConsoleMessage, Dialog, Page, Request, Response

from harness.events import (
    EVENT_TYPES,
    ConsoleError,
    Event,
    Recorder,
    RedirectToLogin,
    RequestSent,
    ResponseReceived,
    Unauthorized,
)

AUTH_EVENT_PREFIX = "auth-event "
REFRESH_PATH = "/api/auth/refresh"
LOGIN_PATH = "/login"
# The driver sees these itself, more reliably than the page can report them.
DRIVER_OWNED_KINDS = frozenset({RedirectToLogin.kind, Unauthorized.kind})
# Chromium logs every failed or 4xx load as a console error; those are recorded as
# responses already, and a 401 the client recovers from is not an error of the page.
NETWORK_NOISE = "Failed to load resource"
_BASE_FIELDS = frozenset(f.name for f in dataclasses.fields(Event))


def parse_auth_event(text: str, **base: Any) -> Event | None:
    """`auth-event {"kind": "refresh_started", "reason": "timer"}` → RefreshStarted(...).

    `base` supplies at/wall/source/profile/tab; the page's own `at` (its clock, which
    follows the virtual clock) wins, as ISO 8601 or JavaScript milliseconds.
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
            base["at"] = _to_datetime(payload.pop("at"))
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
        on_refresh_request: Callable[[], None] | None = None,
    ) -> None:
        self.page = page
        self.recorder = recorder
        self.profile = profile
        self.tab = tab
        self.now = now
        self.refresh_requests = 0
        self._on_refresh_request = on_refresh_request
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
        event = parse_auth_event(message.text, **self.base())
        if event is not None:
            if event.kind not in DRIVER_OWNED_KINDS:
                self.recorder.emit(event)
        elif message.type == "error" and not message.text.startswith(NETWORK_NOISE):
            self.emit(ConsoleError, message=message.text)

    def _on_page_error(self, error: Exception) -> None:
        self.emit(ConsoleError, message=f"uncaught: {error}")

    def _on_request(self, request: Request) -> None:
        path = urlsplit(request.url).path
        if path == REFRESH_PATH:
            self.refresh_requests += 1
            if self._on_refresh_request is not None:
                self._on_refresh_request()
            self.emit(RequestSent, method=request.method, path=path, purpose="refresh")

    async def _on_response(self, response: Response) -> None:
        path = urlsplit(response.url).path
        if path == REFRESH_PATH:
            error = await _error_code(response) if response.status >= 400 else None
            self.emit(
                ResponseReceived,
                method=response.request.method,
                path=path,
                purpose="refresh",
                status=response.status,
                error=error,
            )
        elif response.status == 401:
            self.emit(Unauthorized, path=path, error=await _error_code(response))

    def _track_navigation(self, frame: Any) -> None:
        # Registered synchronously, so `settle()` sees it before anyone else reacts to the URL.
        task = asyncio.ensure_future(self._on_navigated(frame))
        self._navigations.add(task)
        task.add_done_callback(self._navigations.discard)

    async def settle(self) -> None:
        """Wait until the navigations seen so far are recorded (a redirect waits for its text)."""
        if self._navigations:
            await asyncio.gather(*list(self._navigations), return_exceptions=True)

    async def _on_navigated(self, frame: Any) -> None:
        if frame != self.page.main_frame:
            return
        url = urlsplit(frame.url)
        previous, self._last_path = self._last_path, url.path
        # Only a move from an app page counts: opening /login directly is not a redirect.
        if url.path != LOGIN_PATH or previous in ("", LOGIN_PATH):
            return
        base = self.base()
        reason = parse_qs(url.query).get("reason", [""])[0]
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


async def _error_code(response: Response) -> str:
    try:
        body = await response.json()
    except Exception:  # body gone (navigation) or not JSON
        return ""
    return str(body.get("error", "")) if isinstance(body, dict) else ""
