"""Turn what a tab shows and sends into the typed events of `harness.events` (source "browser").

Two sources, one stream of events:
- outside the app, always: Playwright's network, navigation and console events, read with the
  target profile (which request is the login, the refresh, where tokens come back, what the
  login page looks like). From these alone the recorder knows sign-ins, refreshes and their
  answers, rotations, refusals, sign-outs and redirects to the login page, for any app;
- inside, where the profile says the page writes them (`[browser] auth_events`) and the run
  does not ignore them: the `auth-event` console lines of a page that reports its own auth
  lifecycle, a richer account (why a refresh started, which tab adopted a token).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from playwright.async_api import ConsoleMessage, Dialog, Page, Request, Response
from playwright.async_api import Error as PlaywrightError

from harness.browser.network import FETCH_ANNOUNCEMENT
from harness.browser.observed import Observed, cookies_of
from harness.browser.pages import first_true, text_of
from harness.core.decisions import RETRY_STATUSES
from harness.events import (
    EVENT_TYPES,
    ConsoleError,
    Event,
    LoggedIn,
    LoggedOut,
    NetworkError,
    Recorder,
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
)
from harness.target.contract import Purpose, reason_of
from harness.target.locations import Reply

if TYPE_CHECKING:
    from harness.browser.pages import ApiScope, Pages
    from harness.target import TargetProfile

AUTH_EVENT_PREFIX = "auth-event "
# What a page reports as it ends its session, before it moves to the login page.
LEAVING_KINDS = frozenset({"logged_out", "idle_logout", RedirectToLogin.kind})
LEAVING_TIMEOUT_MS = 5_000
MESSAGE_WAIT_S = 2.0
API_RESOURCE_TYPES = frozenset({"fetch", "xhr"})
# Requests whose refusal is an answer about credentials, not an API call meeting a dead token.
NOT_API_CALLS = frozenset({"login", "refresh", "config", "logout", "logout_all"})
# The driver sees these itself, more reliably than the page can report them.
DRIVER_OWNED_KINDS = frozenset({RedirectToLogin.kind, Unauthorized.kind, Rotation.kind})
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
        observed: Observed,
        pages: Pages,
        purposes: Mapping[str, str],
        api: ApiScope,
        page_skew: timedelta = timedelta(0),
        auth_events: bool = False,
        on_refresh_request: Callable[[], None] | None = None,
        on_fetch: Callable[[], None] | None = None,
    ) -> None:
        self.page = page
        self.recorder = recorder
        self.profile = profile
        self.tab = tab
        self.now = now
        self.observed = observed
        self.pages = pages
        # What each API path is for, as the target profile names it; others are "api".
        self.purposes = purposes
        self.api = api
        self.page_skew = page_skew
        self.auth_events = auth_events  # the page's own auth-event lines are read
        self.refresh_requests = 0
        self.on_login = False  # the last navigation landed on the login page
        self._on_refresh_request = on_refresh_request
        self._on_fetch = on_fetch
        self._leaving = False
        self._redirect_at: datetime | None = None
        self._refresh_sent_at: datetime | None = None
        self._last_url = ""
        self._navigations: set[asyncio.Task[None]] = set()
        self._responses: set[asyncio.Task[None]] = set()
        self._bodies: set[asyncio.Task[None]] = set()
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        page.on("request", self._on_request)
        page.on("response", self._track_response)
        page.on("requestfailed", self._on_request_failed)
        page.on("framenavigated", self._track_navigation)
        page.on("dialog", self._on_dialog)

    @property
    def spec(self) -> TargetProfile:
        return self.observed.spec

    @property
    def leaving(self) -> bool:
        return self._leaving

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

    def lifecycle(
        self, cls: type[Event], base: dict[str, Any] | None = None, **fields: Any
    ) -> None:
        """An event of the auth lifecycle seen from outside: the page's own line tells it
        instead when its auth events are read."""
        if not self.auth_events:
            self.emit(cls, base, **fields)

    # -- console --------------------------------------------------------------------------

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.text == FETCH_ANNOUNCEMENT:
            if self._on_fetch is not None:
                self._on_fetch()
            return
        if message.text.startswith(AUTH_EVENT_PREFIX):
            if self.auth_events:
                self._page_reported(message.text)
            return
        if message.type == "error" and not message.text.startswith(NETWORK_NOISE):
            self.emit(ConsoleError, message=message.text)

    def _page_reported(self, text: str) -> None:
        event = parse_auth_event(text, page_skew=self.page_skew, **self.base())
        if event is None:
            return
        self._note_leaving(event)
        if event.kind not in DRIVER_OWNED_KINDS:
            self.recorder.emit(event)

    def _note_leaving(self, event: Event) -> None:
        """The page said it is ending the session: its move to the login page is coming."""
        fatal = isinstance(event, RefreshFailed) and event.fatal
        if fatal or event.kind in LEAVING_KINDS:
            self._leaving = True
        if isinstance(event, RedirectToLogin):
            self._redirect_at = event.at  # the page's own clock, not when the driver saw it

    def _on_page_error(self, error: Exception) -> None:
        self.emit(ConsoleError, message=f"uncaught: {error}")

    # -- network --------------------------------------------------------------------------

    def _purpose(self, request: Request) -> str | None:
        """What an API request (fetch/XHR to the app's origin) is for: the profile's name
        for its path, else "api"."""
        if request.resource_type not in API_RESOURCE_TYPES or not self.api.contains(request.url):
            return None
        return self.purposes.get(_path(request.url), "api")

    def _on_request(self, request: Request) -> None:
        purpose = self._purpose(request)
        if purpose is None:
            return
        path = _path(request.url)
        self.emit(RequestSent, method=request.method, path=path, purpose=purpose)
        if purpose == "refresh":
            self._refresh_sent()
        elif purpose == "login":
            self.observed.signed_in_again()
        elif purpose in ("logout", "logout_all"):
            self._leaving = True  # the page ends its session (a sign-out, an idle timeout)
        elif purpose not in NOT_API_CALLS:
            self._presented(request)

    def _refresh_sent(self) -> None:
        self._refresh_sent_at = self.now()
        self.refresh_requests += 1
        if self._on_refresh_request is not None:
            self._on_refresh_request()
        attempt = self.observed.refresh_attempt()
        failed = self.observed.transient
        if attempt == 1 or failed is None:
            self.lifecycle(RefreshStarted, reason=self.observed.refresh_reason())
            return
        base = self.base()
        delay = round((base["at"] - failed[0]).total_seconds(), 1)
        self.lifecycle(RefreshRetry, base, attempt=attempt - 1, delay_s=delay, error=failed[1])

    def _presented(self, request: Request) -> None:
        """An API call carrying an access token another tab was handed: this tab adopted it."""
        token = self.observed.token_in(request.headers)
        if token is None:
            return
        expires = self.observed.adopted_by(self.tab, token)
        if expires is not False:
            self.lifecycle(TokenAdopted, access_expires_at=expires)

    def _track_response(self, response: Response) -> None:
        # A body is read after the event: the task is kept so `settle()` waits for it.
        task = asyncio.ensure_future(self._on_response(response))
        self._responses.add(task)
        task.add_done_callback(self._responses.discard)

    async def _on_response(self, response: Response) -> None:
        request = response.request
        purpose = self._purpose(request)
        if purpose is None:
            return
        base = self.base()  # the time it arrived, not the time its body was read
        # Bodies cost a round trip to the browser: read only the ones something is read from.
        wanted = response.status >= 400 or purpose == "refresh"
        reply = await _reply_of(response) if wanted else Reply(response.status, response.headers)
        path = _path(response.url)
        error = (
            reason_of(self.spec, reply, _as_purpose(purpose)) if response.status >= 400 else None
        )
        self.emit(
            ResponseReceived,
            base,
            method=request.method,
            path=path,
            purpose=purpose,
            status=response.status,
            error=error,
        )
        if response.status in self.spec.access.rejected_status and purpose not in NOT_API_CALLS:
            self.observed.refused(base["at"])
            self.emit(Unauthorized, base, path=path, error=error or "")
        if purpose == "refresh":
            self._refresh_answered(reply, base, error)

    def _refresh_answered(self, reply: Reply, base: dict[str, Any], error: str | None) -> None:
        if reply.status < 400:
            grant = self.observed.issued("refresh", reply, base["at"], self.tab)
            if grant.rotated:
                self.emit(Rotation, base)
            self.lifecycle(RefreshSucceeded, base, access_expires_at=grant.access_expires_at)
            return
        fatal = reply.status < 500 and reply.status not in RETRY_STATUSES
        why = error or f"http_{reply.status}"
        self.observed.refresh_failed(base["at"], why, fatal=fatal)
        if not fatal:
            return  # the client retries, or says so on screen (`transient_failure_shown`)
        if not self.auth_events:
            self._leaving = True  # a refused refresh: the page should be on its way out
        self.lifecycle(RefreshFailed, base, error=why, fatal=True)

    def transient_failure_shown(self) -> None:
        """The page shows its connection-problem banner: the refresh that failed on the network
        (or with a 5xx) and was not retried again failed for now, without ending the session."""
        failed = self.observed.gave_up()
        if failed is not None:
            self.lifecycle(RefreshFailed, error=failed[1], fatal=False)

    def login_answered(self, reply: Reply) -> None:
        """The page's sign-in answer (read by the profile's route, which owns its body)."""
        base = self.base()
        grant = self.observed.issued("login", reply, base["at"], self.tab)
        self.lifecycle(
            LoggedIn,
            base,
            access_expires_at=grant.access_expires_at,
            session_expires_at=grant.session_expires_at,
        )

    def _on_request_failed(self, request: Request) -> None:
        purpose = self._purpose(request)
        if purpose is None:
            return
        failure = request.failure or "failed"
        self.lifecycle(NetworkError, path=_path(request.url), error=failure)
        if purpose == "refresh":
            # A network failure is immediate: time it by its request (events of a page may
            # arrive after the clock moved on).
            at = self._refresh_sent_at or self.now()
            self.observed.refresh_failed(at, f"network: {failure}", fatal=False)

    # -- navigation -----------------------------------------------------------------------

    def _track_navigation(self, frame: Any) -> None:
        # Registered synchronously, so `settle()` sees it before anyone else reacts to the URL.
        task = asyncio.ensure_future(self._on_navigated(frame))
        self._navigations.add(task)
        task.add_done_callback(self._navigations.discard)

    async def settle(self) -> None:
        """Wait until the navigations seen so far are recorded (a redirect waits for its text),
        and a page that is ending its session has reached the login page (or time ran out)."""
        if self._leaving and not await self.pages.on_login_page(self.page):
            with contextlib.suppress(PlaywrightError):
                await self._arrive_at_login(LEAVING_TIMEOUT_MS / 1000)
        await self.drain()
        if self._navigations:
            await asyncio.gather(*list(self._navigations), return_exceptions=True)

    async def drain(self) -> None:
        """Wait until the responses seen so far are recorded (their bodies read)."""
        if self._responses:
            await asyncio.gather(*list(self._responses), return_exceptions=True)

    async def _arrive_at_login(self, timeout_s: float) -> None:
        if await first_true({"login": lambda: self.pages.on_login_page(self.page)}, timeout_s):
            return
        self._leaving = False  # it stayed: whatever it does instead is the scenario's to judge

    async def _on_navigated(self, frame: Any) -> None:
        if frame != self.page.main_frame:
            return
        previous, self._last_url = self._last_url, frame.url
        self.on_login = await self._landed_on_login()
        if not self.on_login:
            return
        self._leaving, redirect_at, self._redirect_at = False, self._redirect_at, None
        # Only a move from an app page counts: opening the login page directly is not a
        # redirect, nor is the user's own sign-out (in this tab or another of the profile).
        if not previous or self.pages.login_url_matches(previous):
            return
        base = self.base()
        if redirect_at is not None:
            base["at"] = redirect_at
        failed = self.observed.gave_up()
        if failed is not None:  # the client signed out after a refresh lost on the network
            self.lifecycle(RefreshFailed, base, error=failed[1], fatal=True)
        if self.observed.signed_out:
            self.lifecycle(LoggedOut, base, reason="logout")
            return
        reason = self.pages.reason(frame.url) or ""
        self.emit(RedirectToLogin, base, reason=reason, message=await self._login_message())

    async def _landed_on_login(self) -> bool:
        by_url = self.pages.login_url_matches(self.page.url)
        if by_url is not None and self.pages.spec.login_page.locator is None:
            return by_url
        with contextlib.suppress(PlaywrightError):
            await self.page.wait_for_load_state("domcontentloaded", timeout=2000)
        return await self.pages.on_login_page(self.page)

    async def _login_message(self) -> str:
        selector = self.pages.spec.login_page.message
        if selector is None:
            return ""

        async def shown() -> bool:
            return bool(await text_of(self.page, selector))

        # A page writes its message once its script has read the reason: give it a moment.
        await first_true({"shown": shown}, MESSAGE_WAIT_S)
        return await text_of(self.page, selector)

    async def _on_dialog(self, dialog: Dialog) -> None:
        # A native dialog blocks the page; an auth flow must never raise one.
        self.emit(ConsoleError, message=f"{dialog.type} dialog: {dialog.message}")
        await dialog.dismiss()


def _path(url: str) -> str:
    return urlsplit(url).path


def _as_purpose(purpose: str) -> Purpose:
    return "login" if purpose == "login" else "refresh" if purpose == "refresh" else "api"


async def _reply_of(response: Response) -> Reply:
    """What the harness reads of a page's answer; the body is best effort (a page that
    navigated away has let go of it)."""
    headers = response.headers
    body: Any = None
    if "json" in headers.get("content-type", ""):
        try:
            body = await response.json()
        except Exception:  # body gone (navigation) or not JSON after all
            body = None
    cookies: dict[str, str] = {}
    with contextlib.suppress(PlaywrightError):
        cookies = cookies_of(await response.header_values("set-cookie"))
    return Reply(status=response.status, headers=headers, json=body, cookies=cookies)


async def error_code(response: Response, spec: TargetProfile, purpose: Purpose = "api") -> str:
    """Why the app refused a page's request, in the harness's reasons ("" for a success)."""
    if response.status < 400:
        return ""
    return reason_of(spec, await _reply_of(response), purpose)
