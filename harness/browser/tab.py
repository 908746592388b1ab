"""A browser tab: one Page of the reference frontend, driven through its data-testid hooks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from playwright.async_api import Page

if TYPE_CHECKING:
    from harness.browser.recording import TabRecorder

LOGIN_PATH = "/login"
DEFAULT_TIMEOUT_MS = 15_000
_BOT_DONE = '[data-testid="chat-message"][data-role="bot"][data-done="true"]'
_HISTORY_LOADED = '[data-testid="chat-messages"][data-history="loaded"]'


def page_predicate(body: str) -> str:
    """A `wait_for_function` predicate (of `arg`) that survives navigation.

    Playwright re-runs a wait in each new document, but a predicate that throws ends the
    wait at once; while a page is replaced `document.body` is briefly null. So every read
    is null-safe and anything thrown still means "not yet".
    """
    return f"arg => {{ try {{ return !!({body}); }} catch (error) {{ return false; }} }}"


_REPLY_OR_LOGIN = page_predicate(
    f"document.querySelectorAll('{_BOT_DONE}').length > arg || location.pathname === '{LOGIN_PATH}'"
)
_SIGNED_IN_OR_ERROR = page_predicate(
    f"(document.body?.dataset.auth === 'signed-in' && location.pathname !== '{LOGIN_PATH}')"
    """ || document.querySelector('[data-testid="login-error"]:not(:empty)')"""
)
_SET_VISIBILITY = """hidden => {
    Object.defineProperty(document, 'visibilityState',
        {configurable: true, get: () => hidden ? 'hidden' : 'visible'});
    Object.defineProperty(document, 'hidden', {configurable: true, get: () => hidden});
    document.dispatchEvent(new Event('visibilitychange'));
}"""


class RedirectedToLogin(AssertionError):
    """The tab landed on the login page while the test expected it to keep working."""


class LoginFailed(AssertionError):
    """The login form showed an error instead of signing in."""


@dataclass(frozen=True)
class WarningDialog:
    kind: str  # "idle" or "absolute"
    countdown: str


class BrowserTab:
    def __init__(self, page: Page, *, name: str, profile: str, recording: TabRecorder) -> None:
        self.page = page
        self.name = name
        self.profile = profile
        self.recording = recording

    def __repr__(self) -> str:
        return f"BrowserTab({self.profile}/{self.name} at {self.page.url})"

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    @property
    def on_login_page(self) -> bool:
        return self.path == LOGIN_PATH

    async def goto(self, path: str) -> None:
        await self.page.goto(path)

    async def login(self, email: str, password: str) -> None:
        """Sign in through the form (opening /login first if needed) and wait until signed in."""
        if not self.on_login_page:
            await self.goto(LOGIN_PATH)
        await self.page.get_by_test_id("login-email").fill(email)
        await self.page.get_by_test_id("login-password").fill(password)
        await self.page.get_by_test_id("login-submit").click()
        await self.page.wait_for_function(_SIGNED_IN_OR_ERROR, timeout=DEFAULT_TIMEOUT_MS)
        if self.on_login_page:
            error = await self.page.get_by_test_id("login-error").inner_text()
            raise LoginFailed(f"{self}: login as {email} failed: {error}")

    async def send_chat(self, text: str, *, stream: bool = True) -> str:
        """Send a message and return the bot's finished reply; raises if sent to login instead."""
        # Replies are counted: the history must be in before the count is taken.
        await self.page.locator(_HISTORY_LOADED).wait_for(state="attached")
        before = await self.page.locator(_BOT_DONE).count()
        await self.page.get_by_test_id("chat-input").fill(text)
        await self.page.get_by_test_id("chat-send" if stream else "chat-send-plain").click()
        await self.page.wait_for_function(_REPLY_OR_LOGIN, arg=before, timeout=DEFAULT_TIMEOUT_MS)
        if self.on_login_page:
            await self.recording.settle()
            raise RedirectedToLogin(
                f"{self}: sent to the login page while waiting for a reply to {text!r}: "
                f"{await self.login_message()!r}"
            )
        return await self.page.locator(_BOT_DONE).nth(before).inner_text()

    async def activity(self) -> None:
        """A user click on the page body (no element underneath is activated)."""
        await self.page.locator("body").dispatch_event("click")

    async def logout(self) -> None:
        await self.page.get_by_test_id("logout-button").click()
        await self.wait_for_login_page()

    async def hide(self) -> None:
        """Make the page report itself hidden, as a background tab or a closed laptop does."""
        await self.page.evaluate(_SET_VISIBILITY, True)

    async def show(self) -> None:
        await self.page.evaluate(_SET_VISIBILITY, False)

    async def wait_for_login_page(self, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        await self.page.wait_for_url(
            lambda url: urlsplit(url).path == LOGIN_PATH, timeout=timeout_ms
        )
        await self.recording.settle()  # the RedirectToLogin event is in the recorder

    async def auth_state(self) -> str:
        """`document.body.dataset.auth`: "signed-in", "signed-out" or "" before the app ran."""
        return str(await self.page.evaluate("() => document.body?.dataset.auth || ''"))

    async def login_message(self) -> str:
        return await self._text_if_visible("login-message") or ""

    async def banner_text(self) -> str | None:
        return await self._text_if_visible("banner")

    async def warning(self) -> WarningDialog | None:
        dialog = self.page.get_by_test_id("warning-dialog")
        if not await dialog.is_visible():
            return None
        countdown = await self.page.get_by_test_id("warning-countdown").inner_text()
        return WarningDialog(
            kind=await dialog.get_attribute("data-kind") or "", countdown=countdown
        )

    async def stay_signed_in(self) -> None:
        await self.page.get_by_test_id("warning-stay").click()
        await self.page.get_by_test_id("warning-dialog").wait_for(state="hidden")

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
