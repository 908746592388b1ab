"""Before a browser suite runs: the app's pages load, and the profile's locators find them.

One sign-in as the first user, as a person would, with every `[browser]` locator looked up
where it should be. A problem is one line naming the key (`[browser] submit = "#go" matches
nothing on /login`) and, where a page was on screen, the screenshot that shows why, so a
new profile's mistake costs seconds instead of a suite of failed scenarios.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout

from harness.browser.launch import launch_chromium
from harness.browser.pages import Pages, first_true
from harness.target import TargetProfile

LOAD_TIMEOUT_S = 15.0
FIND_TIMEOUT_S = 5.0


class PagesUnusable(Exception):
    """The profile's pages cannot be driven; `str()` is one line fit for a CLI."""


def check_pages(profile: TargetProfile, base_url: str, shots: Path | None = None) -> None:
    """Sign in through the profile's `[browser]` locators; PagesUnusable on the first problem."""
    if profile.browser is None:
        return
    folder = shots or Path(tempfile.mkdtemp(prefix="session-harness-preflight-"))
    asyncio.run(_check(profile, base_url, folder))


async def _check(profile: TargetProfile, base_url: str, shots: Path) -> None:
    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        try:
            context = await browser.new_context(base_url=base_url)
            page = await context.new_page()
            await _sign_in(page, profile, shots)
        finally:
            await browser.close()


async def _sign_in(page: Page, profile: TargetProfile, shots: Path) -> None:
    assert profile.browser is not None
    ui = profile.browser
    await _load(page, ui.login_url)
    for key in ("identifier", "password", "submit"):
        await _find(page, f"[browser] {key}", getattr(ui, key), ui.login_url, shots)
    user = profile.users[0]
    await page.locator(ui.identifier).first.fill(user.identifier)
    await page.locator(ui.password).first.fill(user.secret())
    path = profile.login.path
    try:
        async with page.expect_response(
            lambda r: urlsplit(r.url).path == path, timeout=LOAD_TIMEOUT_S * 1000
        ) as answer:
            await page.locator(ui.submit).first.click(timeout=FIND_TIMEOUT_S * 1000)
    except PlaywrightTimeout:
        shot = await _shot(page, shots, "submit")
        raise PagesUnusable(
            f"clicking [browser] submit = {ui.submit!r} sent no sign-in request to {path} "
            f"within {LOAD_TIMEOUT_S:g} s (screenshot: {shot})"
        ) from None
    status = (await answer.value).status
    if status >= 400:
        raise PagesUnusable(f"signing in as {user.name} through the login page got {status}")
    pages = Pages(ui)
    if not await first_true({"in": lambda: pages.signed_in(page)}, LOAD_TIMEOUT_S):
        shot = await _shot(page, shots, "signed-in")
        wanted = ui.signed_in or f"a path matching {ui.signed_in_url}"
        raise PagesUnusable(
            f"signed in ({status}) but [browser] signed_in = {wanted!r} never showed within "
            f"{LOAD_TIMEOUT_S:g} s on {page.url} (screenshot: {shot})"
        )
    await _app_controls(page, profile, shots)


async def _app_controls(page: Page, profile: TargetProfile, shots: Path) -> None:
    assert profile.browser is not None
    ui = profile.browser
    found = {
        "action.fill": ui.action.fill,
        "action.click": ui.action.click,
        "stream.fill": ui.stream.fill if ui.stream else None,
        "stream.click": ui.stream.click if ui.stream else None,
        "sign_out.click": ui.sign_out.click if ui.sign_out else None,
        "probe.click": ui.probe.click if ui.probe else None,
    }
    where = page.url
    for key, selector in found.items():
        if selector is not None:
            await _find(page, f"[browser] {key}", selector, where, shots)


async def _load(page: Page, path: str) -> None:
    try:
        response = await page.goto(path, timeout=LOAD_TIMEOUT_S * 1000)
    except PlaywrightTimeout:
        raise PagesUnusable(
            f"the login page {path} did not load within {LOAD_TIMEOUT_S:g} s"
        ) from None
    except PlaywrightError as exc:
        first = str(exc).splitlines()[0]
        raise PagesUnusable(f"the login page {path} did not load: {first}") from None
    if response is not None and response.status >= 400:
        raise PagesUnusable(f"the login page {path} answered {response.status}")


async def _find(page: Page, key: str, selector: str, where: str, shots: Path) -> None:
    try:
        await page.locator(selector).first.wait_for(state="attached", timeout=FIND_TIMEOUT_S * 1000)
    except PlaywrightTimeout:
        shot = await _shot(page, shots, key)
        raise PagesUnusable(
            f"{key} = {selector!r} matches nothing on {where} after {FIND_TIMEOUT_S:g} s "
            f"(screenshot: {shot})"
        ) from None
    except PlaywrightError as exc:  # a selector Playwright cannot parse
        first = str(exc).splitlines()[0]
        raise PagesUnusable(f"{key} = {selector!r} is not a selector: {first}") from None


async def _shot(page: Page, shots: Path, name: str) -> Path:
    shots.mkdir(parents=True, exist_ok=True)
    path = shots / f"preflight-{''.join(c if c.isalnum() else '-' for c in name)}.png"
    try:
        await page.screenshot(path=path, full_page=True)
    except PlaywrightError:
        return Path("none: the page could not be captured")
    return path
