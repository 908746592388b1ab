"""A browser tab: one Page of the app under test, driven through its profile's `[browser]`.

It speaks the vocabulary of `harness.drivers.TabDriver`: the verbs, views and exceptions of
a simulated tab, so one scenario drives either. It finds its way only with the locators of
the target profile (`harness.browser.pages`), so it drives any single-page app.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Protocol
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Request, Response

from harness.browser.pages import Pages, count, first_true, seconds_in, visible
from harness.browser.recording import TabRecorder, error_code
from harness.drivers import (
    ActionFailed,
    ConnectionProblem,
    ExpiryWarning,
    LoginFailed,
    SignedOut,
    Unsupported,
)
from harness.events import BannerShown, WarningDismissed, WarningShown

if TYPE_CHECKING:
    from harness.target import TargetProfile, User

DEFAULT_TIMEOUT_S = 15.0
# A page that ended its session is on its way to the login page: give it this long.
NAVIGATION_TIMEOUT_S = 5.0
MESSAGE_TIMEOUT_S = 2.0
# A control found visible a moment ago that cannot be used within this is gone or covered.
ACT_TIMEOUT_MS = 5_000
_SET_VISIBILITY = """hidden => {
    Object.defineProperty(document, 'visibilityState',
        {configurable: true, get: () => hidden ? 'hidden' : 'visible'});
    Object.defineProperty(document, 'hidden', {configurable: true, get: () => hidden});
    document.dispatchEvent(new Event('visibilitychange'));
}"""
# Taken as the app's refresh would take it ([browser] refresh_lock), and never given back.
_HOLD_LOCK = """name => { navigator.locks.request(name, () => new Promise(() => {})); }"""
_PROBE_WRAPPER = """async ([script, path]) => {
    try {
        const result = await (0, eval)('(' + script + ')')(path);
        return { status: Number(result?.status ?? result) };
    } catch (error) {
        const name = error?.constructor?.name || 'Error';
        return { error: name, message: String(error?.message || error) };
    }
}"""


class PageHost(Protocol):
    """What a tab uses of its browser profile (the profile knows tabs; tabs know only this)."""

    @property
    def name(self) -> str: ...

    @property
    def user(self) -> User | None: ...

    @property
    def spec(self) -> TargetProfile: ...

    @property
    def pages(self) -> Pages: ...


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
        self.pages = host.pages
        self.ui = host.pages.spec
        self._seen_banner: str | None = None
        self._seen_warning: str | None = None

    def __repr__(self) -> str:
        return f"BrowserTab({self.host.name}/{self.name} at {self.page.url})"

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    @property
    def on_login_page(self) -> bool:
        """On the login page by its URL (the profile's pattern), as last seen."""
        return bool(self.pages.login_url_matches(self.page.url)) or self.recording.on_login

    async def goto(self, path: str) -> None:
        await self.page.goto(path)

    async def settled(self) -> None:
        """Wait until the page shows the signed-in app or the login page."""
        found = await first_true(
            {"login": self._at_login, "signed_in": self._shows_app}, DEFAULT_TIMEOUT_S
        )
        if found is None:
            raise AssertionError(
                f"{self}: neither the signed-in app ({self._signed_in_description()}) nor the "
                f"login page ({self._login_description()}) after {DEFAULT_TIMEOUT_S:g} s"
            )
        await self.recording.settle()

    # -- what the user does ---------------------------------------------------------------

    async def login(self, identifier: str | None = None, password: str | None = None) -> None:
        """Sign in through the form (opening the login page first if needed): the profile's
        user unless other credentials are given; raises LoginFailed with the app's answer."""
        user = self.host.user
        identifier = identifier or (user.identifier if user else None)
        password = password or (user.secret() if user else None)
        if identifier is None or password is None:
            raise ValueError(f"{self}: no credentials: the profile has no user")
        if not await self._at_login():
            await self.goto(self.ui.login_url)
        await self._loaded()
        await self._look()
        await self.page.locator(self.ui.identifier).fill(identifier)
        await self.page.locator(self.ui.password).fill(password)
        login_path = self.host.spec.login.path
        async with self.page.expect_response(lambda r: _path(r.url) == login_path) as got:
            await self.page.locator(self.ui.submit).click()
        answer = await got.value
        if answer.status >= 400:
            raise LoginFailed(answer.status, await error_code(answer, self.host.spec, "login"))
        checks = {"signed_in": self._shows_app}
        if self.ui.login_error is not None:
            checks["error"] = self._login_error_shown
        found = await first_true(checks, DEFAULT_TIMEOUT_S)
        if found is None:
            raise AssertionError(
                f"{self}: signed in ({answer.status}) but the page never showed the signed-in "
                f"app ({self._signed_in_description()}) within {DEFAULT_TIMEOUT_S:g} s"
            )
        await self.recording.settle()

    async def chat(self, text: str) -> str:
        """The user's action ([browser.action]) with `text`; the text of its result."""
        return await self._send(text, stream=False)

    async def stream_chat(self, text: str) -> str:
        """The streaming action ([browser.stream]); the text of its finished result."""
        return await self._send(text, stream=True)

    async def _send(self, text: str, *, stream: bool) -> str:
        action = self.pages.action(stream)
        await self._look()
        await self.settled()  # results are counted: the page must have loaded them first
        if await self._at_login():
            await self._raise_signed_out()
        before = await count(self.page, action.result)
        spec = self.host.spec
        paths = {r.path for r in (spec.action, spec.stream) if r is not None}

        async def answered() -> bool:
            return await count(self.page, action.result) > before

        async def failed() -> bool:
            return action.error is not None and await visible(self.page, action.error)

        with self._refusals(paths) as refusals:
            await self._act(action.fill, action.click, text)
            found = await first_true(
                {"result": answered, "login": self._at_login, "error": failed}, DEFAULT_TIMEOUT_S
            )
        if found == "login":
            await self._raise_signed_out()
        if refusals and found != "result":
            raise ActionFailed(refusals[-1].status, await error_code(refusals[-1], spec))
        if found is None:
            raise ConnectionProblem(
                f"no result ({action.result}) within {DEFAULT_TIMEOUT_S:g} s of the action"
            )
        shown = action.result if found == "result" else action.error or ""
        try:  # what the page shows, unless it left for the login page meanwhile
            text = (
                await self.page.locator(shown)
                .nth(before if found == "result" else 0)
                .inner_text(timeout=ACT_TIMEOUT_MS)
            ).strip()
        except PlaywrightError:
            await self._signed_out_if_leaving()
            raise
        if found == "result":
            return text
        raise ConnectionProblem(text)

    async def _act(self, fill: str | None, click: str | None, text: str) -> None:
        """Fill and click as the user would; a page that left for the login page meanwhile
        (a timer ended the session) signs the user out instead of timing out."""
        controls = [c for c in (fill, click) if c is not None]

        async def ready() -> bool:
            return all([await visible(self.page, control) for control in controls])

        found = await first_true({"ready": ready, "login": self._at_login}, DEFAULT_TIMEOUT_S)
        if found == "login":
            await self._raise_signed_out()
        try:
            if fill is not None:
                await self.page.locator(fill).fill(text, timeout=ACT_TIMEOUT_MS)
            if click is not None:
                await self.page.locator(click).click(timeout=ACT_TIMEOUT_MS)
            else:
                await self.page.locator(fill or "body").press("Enter", timeout=ACT_TIMEOUT_MS)
        except PlaywrightError:
            await self._signed_out_if_leaving()
            raise

    @contextmanager
    def _refusals(self, paths: set[str]) -> Iterator[list[Response]]:
        """The error answers to these paths while the block runs (a rejected status is the
        auth path's, not the action's failure)."""
        seen: list[Response] = []
        rejected = set(self.host.spec.access.rejected_status)

        def note(response: Response) -> None:
            refused = response.status >= 400 and response.status not in rejected
            if refused and _path(response.url) in paths:
                seen.append(response)

        self.page.on("response", note)
        try:
            yield seen
        finally:
            self.page.remove_listener("response", note)

    async def probe(self) -> PageAnswer:
        """The page sends the profile's [probe] request its own way ([browser.probe])."""
        await self._require_signed_in()
        how = self.ui.probe
        probe = self.host.spec.probe
        if how is None or probe is None:
            raise Unsupported("needs [probe] and [browser.probe] (what makes the page send it)")
        if how.script is not None:
            return await self._probe_by_script(how.script, probe.path)
        return await self._probe_by_click(how.click or "", probe.path)

    async def _probe_by_script(self, script: str, path: str) -> PageAnswer:
        try:
            result: dict[str, Any] = await self.page.evaluate(_PROBE_WRAPPER, [script, path])
        except PlaywrightError as exc:
            if not _navigated(exc):
                raise
            await self._raise_signed_out()
        if "status" in result:
            return PageAnswer(int(result["status"]))
        await self._signed_out_if_leaving()
        raise ConnectionProblem(f"{result['error']}: {result['message']}")

    async def _probe_by_click(self, control: str, path: str) -> PageAnswer:
        """Click the control; the first answer to the probe path the auth path does not
        refuse (a refused one is followed by a refresh and a retry)."""
        rejected = set(self.host.spec.access.rejected_status)
        answers: list[int] = []
        failures: list[str] = []

        def on_response(response: Response) -> None:
            if _path(response.url) == path:
                answers.append(response.status)

        def on_failed(request: Request) -> None:
            if _path(request.url) == path:
                failures.append(request.failure or "failed")

        async def final() -> bool:
            return any(status not in rejected for status in answers)

        async def broken() -> bool:
            return bool(failures)

        self.page.on("response", on_response)
        self.page.on("requestfailed", on_failed)
        try:
            await self._look()
            await self.page.locator(control).click()
            found = await first_true(
                {"answer": final, "login": self._at_login, "failed": broken}, DEFAULT_TIMEOUT_S
            )
        finally:
            self.page.remove_listener("response", on_response)
            self.page.remove_listener("requestfailed", on_failed)
        if found == "answer":
            return PageAnswer(next(s for s in answers if s not in rejected))
        await self._signed_out_if_leaving()
        raise ConnectionProblem(f"the probe ({path}) got no answer: {failures or answers}")

    async def activity(self) -> None:
        """A user's click on the profile's activity target (nothing there is activated)."""
        await self._require_signed_in()
        await self.page.locator(self.ui.activity).first.dispatch_event("click")

    async def stay_signed_in(self) -> None:
        """The warning's button; without a warning on screen, what it does: a click and a probe."""
        warning = self.ui.warning
        if warning is None or warning.stay is None or not await visible(self.page, warning.locator):
            await self.activity()
            await self.probe()
            return
        await self._look()
        await self.page.locator(warning.stay).first.click()
        await self.page.locator(warning.locator).first.wait_for(state="hidden")

    async def logout(self) -> None:
        if await self._at_login():
            return
        if self.ui.sign_out is None:
            raise Unsupported("needs [browser.sign_out] in the target profile")
        await self._look()
        self.recording.observed.signing_out()
        await self.page.locator(self.ui.sign_out.click).first.click()
        await self.wait_for_login_page()

    async def hide(self) -> None:
        """Make the page report itself hidden, as a background tab or a closed laptop does."""
        await self.page.evaluate(_SET_VISIBILITY, True)

    async def show(self) -> None:
        await self.page.evaluate(_SET_VISIBILITY, False)

    async def freeze_holding_lock(self) -> None:
        """Hidden (its timer quiet), holding the profile's refresh lock for good."""
        if self.ui.refresh_lock is None:
            raise Unsupported("needs [browser] refresh_lock (the Web Locks name of its refresh)")
        await self.hide()
        await self.page.evaluate(_HOLD_LOCK, self.ui.refresh_lock)

    async def look(self) -> None:
        """What the user sees now, recorded when it changes: the banner, the warning (the
        page's own account of them stands in where its auth events are read)."""
        if self.recording.auth_events:
            return
        if self.ui.banner is not None:
            text = await self.banner()
            if text and text != self._seen_banner:
                self.recording.transient_failure_shown()
                self.recording.emit(BannerShown, message=text)
            self._seen_banner = text
        if self.ui.warning is not None:
            shown = await self.warning()
            kind = None if shown is None else shown.kind
            if shown is not None and kind != self._seen_warning:
                self.recording.emit(
                    WarningShown, warning=shown.kind, seconds_left=shown.seconds_left
                )
            elif shown is None and self._seen_warning is not None:
                self.recording.emit(WarningDismissed, warning=self._seen_warning)
            self._seen_warning = kind

    # -- what the tab shows ---------------------------------------------------------------

    async def signed_in(self) -> bool:
        await self._arrived()
        return not await self._at_login()

    async def login_reason(self) -> str | None:
        """The reason parameter of the login page ("" without one); None while signed in."""
        await self._arrived()
        if not await self._at_login():
            return None
        return self.pages.reason(self.page.url)

    async def login_message(self) -> str | None:
        reason = await self.login_reason()
        if reason is None:
            return None
        selector = self.ui.login_page.message
        if selector is None:
            return None
        if reason:  # a page may show its message once it has read its texts
            await first_true({"shown": lambda: visible(self.page, selector)}, MESSAGE_TIMEOUT_S)
        return await self._text_if_visible(selector)

    async def banner(self) -> str | None:
        return None if self.ui.banner is None else await self._text_if_visible(self.ui.banner)

    async def warning(self) -> ExpiryWarning | None:
        spec = self.ui.warning
        if spec is None:
            raise Unsupported("needs [browser.warning] in the target profile (the expiry warning)")
        dialog = self.page.locator(spec.locator).first
        if not await visible(self.page, spec.locator):
            return None
        try:  # the warning may go away while it is read: then none is shown
            text = (await dialog.inner_text(timeout=1000)).strip()
            attribute = spec.kind_attribute
            kind = await dialog.get_attribute(attribute, timeout=1000) if attribute else None
        except PlaywrightError:
            return None
        if kind is None:
            kind = _kind_by_text(text, spec.idle_text, spec.absolute_text)
        left = await self._seconds_left(text)
        if kind == "idle":
            return ExpiryWarning("idle", left)
        if kind == "absolute":
            return ExpiryWarning("absolute", left)
        raise AssertionError(f"{self}: a warning of unknown kind {kind!r}: {text!r}")

    async def _seconds_left(self, text: str) -> float:
        spec = self.ui.warning
        if spec is not None and spec.countdown is not None:
            countdown = self.page.locator(spec.countdown).first
            try:  # the warning may go away while it is read
                if spec.seconds_attribute is not None:
                    seconds = await countdown.get_attribute(spec.seconds_attribute, timeout=1000)
                    return float(seconds or 0)
                text = await countdown.inner_text(timeout=1000)
            except PlaywrightError:
                return 0.0
        return seconds_in(text) or 0.0

    # -- helpers --------------------------------------------------------------------------

    async def wait_for_login_page(self, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        found = await first_true({"login": self._at_login}, timeout_s)
        if found is None:
            raise AssertionError(
                f"{self}: not on the login page ({self._login_description()}) after {timeout_s:g} s"
            )
        await self._loaded()
        await self.recording.settle()  # the RedirectToLogin event is in the recorder

    async def _loaded(self) -> None:
        """The page's scripts ran (a form clicked before they did would submit natively)."""
        with contextlib.suppress(PlaywrightError):
            await self.page.wait_for_load_state("load", timeout=DEFAULT_TIMEOUT_S * 1000)

    async def _at_login(self) -> bool:
        return await self.pages.on_login_page(self.page)

    async def _shows_app(self) -> bool:
        return await self.pages.signed_in(self.page)

    async def _login_error_shown(self) -> bool:
        return self.ui.login_error is not None and await visible(self.page, self.ui.login_error)

    def _signed_in_description(self) -> str:
        parts = [self.ui.signed_in, self.ui.signed_in_url and f"path ~ {self.ui.signed_in_url}"]
        return " and ".join(p for p in parts if p)

    def _login_description(self) -> str:
        page = self.ui.login_page
        parts = [page.url and f"path ~ {page.url}", page.locator]
        return " or ".join(p for p in parts if p)

    async def _look(self) -> None:
        """Bring the tab to the front, as a user acting in it does: a page in the background
        renders no frames, and Playwright's clicks wait for frames."""
        await self.page.bring_to_front()

    async def _arrived(self) -> None:
        """A page whose session just ended is on its way to the login page: let it land."""
        await self.recording.settle()

    async def _signed_out_if_leaving(self) -> None:
        """After a failed request: a page that is moving to the login page signed the user out."""
        await self.recording.settle()
        if await first_true({"login": self._at_login}, 0.2 if not self.recording.leaving else 5):
            await self._raise_signed_out()

    async def _require_signed_in(self) -> None:
        """On the login page (or on its way there): SignedOut, as a simulated tab raises."""
        await self.recording.settle()
        if await self._at_login():
            await self._raise_signed_out()

    async def _raise_signed_out(self) -> NoReturn:
        await self.wait_for_login_page()
        reason = await self.login_reason()
        raise SignedOut(reason or "signed_out", await self.login_message())

    async def screenshot(self, path: Path) -> Path:
        await self.page.screenshot(path=path, full_page=True)
        return path

    async def close(self) -> None:
        await self.page.close()

    async def _text_if_visible(self, selector: str) -> str | None:
        if not await visible(self.page, selector):
            return None
        try:
            return (await self.page.locator(selector).first.inner_text()).strip()
        except PlaywrightError:
            return None


def _path(url: str) -> str:
    return urlsplit(url).path


def _kind_by_text(text: str, idle: str | None, absolute: str | None) -> str | None:
    if idle is not None and re.search(idle, text):
        return "idle"
    if absolute is not None and re.search(absolute, text):
        return "absolute"
    return None


def _navigated(error: PlaywrightError) -> bool:
    """The page was replaced while Playwright evaluated in it (a redirect to login)."""
    text = str(error)
    return "Execution context was destroyed" in text or "navigat" in text
