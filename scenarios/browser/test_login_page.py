"""The login page sends a signed-in user back only to the app's own pages, and shows its
reason parameter as text, never as markup (WSTG-CLNT-04 open redirect, WSTG-CLNT-03 HTML
injection): a link to the real sign-in page must not end on someone else's page or script."""

from __future__ import annotations

import contextlib
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.async_api import Dialog, Frame, Page, Route
from playwright.async_api import Error as PlaywrightError

from harness import NotApplicable, ProfileFactory
from harness.browser import BrowserProfile, BrowserTab
from harness.redirects import safe_return_to
from harness.target.browser import Browser

# Where a crafted link may try to send the user once signed in.
FOREIGN = [
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
]
MARKUP = '<img src=x onerror="window.__injected = true">'


async def _destinations(page: Page, origin: str) -> list[str]:
    """Every address the page goes to from now on. A foreign page gets a stub (nothing leaves
    for the network); a `javascript:` address is seen by the dialog its script opens."""
    went: list[str] = []

    async def stub(route: Route) -> None:
        await route.fulfill(status=200, content_type="text/html", body="<p>elsewhere</p>")

    async def script_ran(dialog: Dialog) -> None:
        went.append(f"javascript: (it opened a dialog saying {dialog.message!r})")
        with contextlib.suppress(PlaywrightError):  # the tab's recorder may have dismissed it
            await dialog.dismiss()

    def navigated(frame: Frame) -> None:
        if frame is page.main_frame:
            went.append(frame.url)

    page.on("framenavigated", navigated)
    page.on("dialog", script_ran)
    await page.route(lambda url: not safe_return_to(url, origin), stub)
    return went


def _login_page(alice: BrowserProfile) -> tuple[Browser, str]:
    ui = alice.spec.browser
    assert ui is not None  # a browser profile has its [browser] table
    return ui, urlsplit(ui.login_url).path


@pytest.mark.parametrize("value", FOREIGN)
@pytest.mark.reference("WSTG-CLNT-04", "CWE-601")
async def test_sign_in_returns_only_to_the_apps_own_pages(
    profile: ProfileFactory, value: str
) -> None:
    alice = await profile()
    assert isinstance(alice, BrowserProfile)
    ui, path = _login_page(alice)
    param = ui.login_page.return_param
    if param is None:
        raise NotApplicable("needs [browser.login_page] return_param (the page's `next`)")
    tab = await alice.new_tab(f"{path}?{urlencode({param: value})}")
    scheme, host = urlsplit(tab.page.url)[:2]
    origin = f"{scheme}://{host}"
    went = await _destinations(tab.page, origin)
    with contextlib.suppress(AssertionError):  # a page that left the app never shows it
        await tab.login()
    unsafe = [url for url in went if not safe_return_to(url, origin)]
    assert not unsafe, f"signed in with {param}={value!r}, the page went to {unsafe}"
    shown = await tab.signed_in()
    assert shown, f"signed in with {param}={value!r}, the app never showed (at {tab.page.url})"


@pytest.mark.reference("WSTG-CLNT-03")
async def test_the_login_pages_reason_is_shown_as_text_never_as_markup(
    profile: ProfileFactory,
) -> None:
    alice = await profile()
    assert isinstance(alice, BrowserProfile)
    ui, path = _login_page(alice)
    param, message = ui.login_page.reason_param, ui.login_page.message
    if param is None or message is None:
        raise NotApplicable("needs [browser.login_page] reason_param and message")
    tab: BrowserTab = await alice.new_tab(f"{path}?{urlencode({param: MARKUP})}")
    shown = await tab.login_message()
    await tab.page.wait_for_load_state("networkidle")  # an injected image has failed by now
    injected = await tab.page.evaluate("() => window.__injected === true")
    images = await tab.page.locator("img[src=x]").count()
    assert not injected and images == 0, (
        f"{param}={MARKUP!r} became markup on the login page (message shown: {shown!r})"
    )
