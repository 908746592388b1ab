"""A browser tab: one Page of the reference frontend, driven through its data-testid hooks.

It speaks the vocabulary of `harness.drivers.TabDriver`: the verbs, views and exceptions of
a simulated tab, so one scenario drives either.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Protocol
from urllib.parse import parse_qs, urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Response

from harness.browser.recording import TabRecorder, error_code
from harness.drivers import (
    ActionFailed,
    ConnectionProblem,
    ExpiryWarning,
    LoginFailed,
    SignedOut,
)

if TYPE_CHECKING:
    from harness.target import TargetProfile, User

LOGIN_PATH = "/login"
DEFAULT_TIMEOUT_MS = 15_000
# A page that cleared its session is on its way to the login page: give it this long.
NAVIGATION_TIMEOUT_MS = 5_000
MESSAGE_TIMEOUT_MS = 2_000
_BOT_DONE = '[data-testid="chat-message"][data-role="bot"][data-done="true"]'
_HISTORY_LOADED = '[data-testid="chat-messages"][data-history="loaded"]'
_STATUS_SHOWN = '[data-testid="chat-status"]:not([hidden])'


def page_predicate(body: str) -> str:
    """A `wait_for_function` predicate (of `arg`) that survives navigation.

    Playwright re-runs a wait in each new document, but a predicate that throws ends the
    wait at once; while a page is replaced `document.body` is briefly null. So every read
    is null-safe and anything thrown still means "not yet".
    """
    return f"arg => {{ try {{ return !!({body}); }} catch (error) {{ return false; }} }}"


_ON_LOGIN = f"location.pathname === '{LOGIN_PATH}'"
_REPLY_OR_LOGIN_OR_ERROR = page_predicate(
    f"document.querySelectorAll('{_BOT_DONE}').length > arg || {_ON_LOGIN}"
    f" || document.querySelector('{_STATUS_SHOWN}')?.textContent"
)
_SIGNED_IN_OR_ERROR = page_predicate(
    f"(document.body?.dataset.auth === 'signed-in' && !({_ON_LOGIN}))"
    """ || document.querySelector('[data-testid="login-error"]:not(:empty)')"""
)
_SETTLED = page_predicate(
    f"{_ON_LOGIN} || (document.body?.dataset.auth === 'signed-in'"
    f" && document.querySelector('{_HISTORY_LOADED}'))"
)
_SET_VISIBILITY = """hidden => {
    Object.defineProperty(document, 'visibilityState',
        {configurable: true, get: () => hidden ? 'hidden' : 'visible'});
    Object.defineProperty(document, 'hidden', {configurable: true, get: () => hidden});
    document.dispatchEvent(new Event('visibilitychange'));
}"""
# The page's own auth client makes the request (as the app's code would): its refresh,
# retry and sign-out rules apply. AuthEnded and ConnectionProblem are the client's errors.
_PROBE = """async path => {
    const { apiFetch } = await import('/auth/client.js');
    try {
        const response = await apiFetch(path);
        await response.text();  // read to the end, as the app does: the request finishes
        return { status: response.status };
    } catch (error) {
        return { error: error.constructor.name, message: String(error.message || error) };
    }
}"""
# Taken through the frontend's own lock code and never given back; the tab is hidden first
# so its timer stays quiet, as a frozen tab's does.
_HOLD_LOCK = """async () => {
    const { withProfileLock } = await import('/auth/lock.js');
    withProfileLock(() => new Promise(() => {}));
}"""


class PageHost(Protocol):
    """What a tab uses of its browser profile (the profile knows tabs; tabs know only this)."""

    @property
    def name(self) -> str: ...

    @property
    def user(self) -> User | None: ...

    @property
    def spec(self) -> TargetProfile: ...


@dataclass(frozen=True)
class PageAnswer:
    """What the page's request got back (`harness.drivers.Answer`)."""

    status_code: int


class BrowserTab:
    """A Chromium page of one profile, with the verbs and views of `TabDriver`."""

    def __init__(self, page: Page, *, name: str, host: PageHost, recording: TabRecorder) -> None:
        self.page = page
        self.name = name
        self.host = host
        self.recording = recording

    def __repr__(self) -> str:
        return f"BrowserTab({self.host.name}/{self.name} at {self.page.url})"

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    @property
    def on_login_page(self) -> bool:
        return self.path == LOGIN_PATH

    async def goto(self, path: str) -> None:
        await self.page.goto(path)

    async def settled(self) -> None:
        """Wait until the page shows the signed-in app (history loaded) or the login page."""
        await self.page.wait_for_function(_SETTLED, timeout=DEFAULT_TIMEOUT_MS)
        await self.recording.settle()

    # -- what the user does ---------------------------------------------------------------

    async def login(self, identifier: str | None = None, password: str | None = None) -> None:
        """Sign in through the form (opening /login first if needed): the profile's user
        unless other credentials are given; raises LoginFailed with the app's answer."""
        user = self.host.user
        identifier = identifier or (user.identifier if user else None)
        password = password or (user.secret() if user else None)
        if identifier is None or password is None:
            raise ValueError(f"{self}: no credentials: the profile has no user")
        if not self.on_login_page:
            await self.goto(LOGIN_PATH)
        await self._look()
        await self.page.get_by_test_id("login-email").fill(identifier)
        await self.page.get_by_test_id("login-password").fill(password)
        login_path = self.host.spec.login.path
        async with self.page.expect_response(lambda r: urlsplit(r.url).path == login_path) as got:
            await self.page.get_by_test_id("login-submit").click()
        answer = await got.value
        if answer.status >= 400:
            raise LoginFailed(answer.status, await error_code(answer))
        await self.page.wait_for_function(_SIGNED_IN_OR_ERROR, timeout=DEFAULT_TIMEOUT_MS)
        await self.settled()

    async def chat(self, text: str) -> str:
        """Send a message with the plain button; the bot's finished reply."""
        return await self._send(text, stream=False)

    async def stream_chat(self, text: str) -> str:
        """Send a message with the streaming button; the bot's finished reply."""
        return await self._send(text, stream=True)

    async def _send(self, text: str, *, stream: bool) -> str:
        await self._look()
        # Replies are counted: the history must be in before the count is taken.
        await self.settled()
        if self.on_login_page:
            await self._raise_signed_out()
        before = await self.page.locator(_BOT_DONE).count()
        await self.page.get_by_test_id("chat-input").fill(text)
        spec = self.host.spec
        paths = {r.path for r in (spec.action, spec.stream) if r is not None}
        with self._refusals(paths) as refusals:
            await self.page.get_by_test_id("chat-send" if stream else "chat-send-plain").click()
            await self.page.wait_for_function(
                _REPLY_OR_LOGIN_OR_ERROR, arg=before, timeout=DEFAULT_TIMEOUT_MS
            )
        if self.on_login_page:
            await self._raise_signed_out()
        if await self.page.locator(_BOT_DONE).count() > before:
            return await self.page.locator(_BOT_DONE).nth(before).inner_text()
        status = await self.page.get_by_test_id("chat-status").inner_text()
        if refusals:
            raise ActionFailed(refusals[-1].status, await error_code(refusals[-1]))
        raise ConnectionProblem(status)

    @contextmanager
    def _refusals(self, paths: set[str]) -> Iterator[list[Response]]:
        """The error answers to these paths while the block runs (a 401 is the auth path's)."""
        seen: list[Response] = []

        def note(response: Response) -> None:
            path = urlsplit(response.url).path
            if path in paths and response.status >= 400 and response.status != 401:
                seen.append(response)

        self.page.on("response", note)
        try:
            yield seen
        finally:
            self.page.remove_listener("response", note)

    async def probe(self) -> PageAnswer:
        """The page's auth client sends the profile's [probe] request, as the app's code does."""
        await self._require_signed_in()
        probe = self.host.spec.probe
        path = probe.path if probe is not None else "/"
        try:
            result: dict[str, Any] = await self.page.evaluate(_PROBE, path)
        except PlaywrightError as exc:
            if not _navigated(exc):
                raise
            await self._raise_signed_out()
        if "status" in result:
            return PageAnswer(int(result["status"]))
        if result["error"] == "AuthEnded":
            await self._raise_signed_out()
        raise ConnectionProblem(f"{result['error']}: {result['message']}")

    async def activity(self) -> None:
        """A user click on the page body (no element underneath is activated)."""
        await self._require_signed_in()
        await self.page.locator("body").dispatch_event("click")

    async def stay_signed_in(self) -> None:
        """The warning's button; without a warning on screen, what it does: a click and a probe."""
        dialog = self.page.get_by_test_id("warning-dialog")
        if not await dialog.is_visible():
            await self.activity()
            await self.probe()
            return
        await self._look()
        await self.page.get_by_test_id("warning-stay").click()
        await dialog.wait_for(state="hidden")

    async def logout(self) -> None:
        if self.on_login_page:
            return
        await self._look()
        await self.page.get_by_test_id("logout-button").click()
        await self.wait_for_login_page()

    async def hide(self) -> None:
        """Make the page report itself hidden, as a background tab or a closed laptop does."""
        await self.page.evaluate(_SET_VISIBILITY, True)

    async def show(self) -> None:
        await self.page.evaluate(_SET_VISIBILITY, False)

    async def freeze_holding_lock(self) -> None:
        """Hidden (its timer quiet), holding the profile's refresh lock for good."""
        await self.hide()
        await self.page.evaluate(_HOLD_LOCK)

    # -- what the tab shows ---------------------------------------------------------------

    async def signed_in(self) -> bool:
        await self._arrived()
        return not self.on_login_page

    async def login_reason(self) -> str | None:
        await self._arrived()
        if not self.on_login_page:
            return None
        return parse_qs(urlsplit(self.page.url).query).get("reason", [None])[0]

    async def login_message(self) -> str | None:
        reason = await self.login_reason()
        if reason is None and not self.on_login_page:
            return None
        message = self.page.get_by_test_id("login-message")
        if reason:  # the login page shows its message once it has read the served texts
            with contextlib.suppress(PlaywrightError):
                await message.wait_for(state="visible", timeout=MESSAGE_TIMEOUT_MS)
        return await self._text_if_visible("login-message")

    async def banner(self) -> str | None:
        return await self._text_if_visible("banner")

    async def warning(self) -> ExpiryWarning | None:
        dialog = self.page.get_by_test_id("warning-dialog")
        if not await dialog.is_visible():
            return None
        kind = await dialog.get_attribute("data-kind")
        seconds = await self.page.get_by_test_id("warning-countdown").get_attribute("data-seconds")
        left = float(seconds or 0)
        if kind == "idle":
            return ExpiryWarning("idle", left)
        if kind == "absolute":
            return ExpiryWarning("absolute", left)
        raise AssertionError(f"{self}: a warning dialog of unknown kind {kind!r}")

    # -- helpers --------------------------------------------------------------------------

    async def wait_for_login_page(self, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        await self.page.wait_for_url(
            lambda url: urlsplit(url).path == LOGIN_PATH, timeout=timeout_ms
        )
        await self.recording.settle()  # the RedirectToLogin event is in the recorder

    async def _look(self) -> None:
        """Bring the tab to the front, as a user acting in it does: a page in the background
        renders no frames, and Playwright's clicks wait for frames."""
        await self.page.bring_to_front()

    async def _arrived(self) -> None:
        """A page whose session just ended is still on its way to the login page: let it land."""
        await self.recording.settle()
        if not self.on_login_page and await self.auth_state() == "signed-out":
            await self.wait_for_login_page(NAVIGATION_TIMEOUT_MS)

    async def _require_signed_in(self) -> None:
        """On the login page (or on its way there): SignedOut, as a simulated tab raises."""
        await self.recording.settle()
        if self.on_login_page:
            await self._raise_signed_out()

    async def _raise_signed_out(self) -> NoReturn:
        await self.wait_for_login_page()
        reason = await self.login_reason()
        raise SignedOut(reason or "signed_out", await self.login_message())

    async def auth_state(self) -> str:
        """`document.body.dataset.auth`: "signed-in", "signed-out" or "" before the app ran."""
        try:
            return str(await self.page.evaluate("() => document.body?.dataset.auth || ''"))
        except PlaywrightError as exc:
            if not _navigated(exc):
                raise
            return "signed-out"

    async def screenshot(self, path: Path) -> Path:
        await self.page.screenshot(path=path, full_page=True)
        return path

    async def close(self) -> None:
        await self.page.close()

    async def _text_if_visible(self, test_id: str) -> str | None:
        locator = self.page.get_by_test_id(test_id)
        if not await locator.is_visible():
            return None
        return (await locator.inner_text()).strip()


def _navigated(error: PlaywrightError) -> bool:
    """The page was replaced while Playwright evaluated in it (a redirect to login)."""
    text = str(error)
    return "Execution context was destroyed" in text or "navigat" in text
