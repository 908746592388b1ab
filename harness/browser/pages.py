"""What the driver knows of an app's pages: the target profile's `[browser]` section, applied.

Every locator the browser driver uses comes from the profile; nothing here knows any app.
Waits poll the page (a few milliseconds a look) instead of running a predicate inside it,
so any Playwright selector works (`role=`, `text=`, CSS) and a navigation never ends a wait.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from harness._realtime import wall_seconds
from harness.drivers import Unsupported
from harness.target.browser import Browser, UserAction

POLL_S = 0.01
NOT_DESCRIBED = "needs [browser] in the target profile (how a person uses the app's pages)"


def browser_of(spec: Browser | None, name: str) -> Browser:
    """The profile's `[browser]` section; not applicable without one."""
    if spec is None:
        raise Unsupported(f"{NOT_DESCRIBED}; {name} has none")
    return spec


@dataclass(frozen=True)
class ApiScope:
    """The app's API as the pages call it: its origin, under the longest folder every path of
    the profile lies in ("/api/" for /api/auth/login and /api/chat)."""

    origin: str
    prefix: str

    @classmethod
    def of(cls, base_url: str, paths: Collection[str]) -> ApiScope:
        prefix = os.path.commonprefix(list(paths)) if paths else "/"  # noqa: RUF071 (cut below)
        return cls(_origin(base_url), prefix[: prefix.rfind("/") + 1] or "/")

    def contains(self, url: str) -> bool:
        return _origin(url) == self.origin and urlsplit(url).path.startswith(self.prefix)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Pages:
    """The profile's `[browser]` section as questions about one page."""

    spec: Browser

    def login_url_matches(self, url: str) -> bool | None:
        """Whether `url` is the login page by its path (None: the profile gives no pattern)."""
        pattern = self.spec.login_page.url
        if pattern is None:
            return None
        return re.search(pattern, urlsplit(url).path) is not None

    async def on_login_page(self, page: Page) -> bool:
        by_url = self.login_url_matches(page.url)
        if by_url is False or self.spec.login_page.locator is None:
            return bool(by_url)
        return await visible(page, self.spec.login_page.locator)

    async def signed_in(self, page: Page) -> bool:
        """The page shows the signed-in app (the `signed_in` locator and/or path)."""
        if await self.on_login_page(page):
            return False
        wanted = self.spec.signed_in_url
        if wanted is not None and re.search(wanted, urlsplit(page.url).path) is None:
            return False
        return self.spec.signed_in is None or await visible(page, self.spec.signed_in)

    def reason(self, url: str) -> str | None:
        """The login page's reason parameter ("" without one)."""
        login_page = self.spec.login_page
        if login_page.reason_param is None:
            return ""
        code = parse_qs(urlsplit(url).query).get(login_page.reason_param, [""])[0]
        return login_page.reasons.get(code, code)

    def action(self, stream: bool) -> UserAction:
        if not stream:
            return self.spec.action
        if self.spec.stream is None:
            raise Unsupported("needs [browser.stream] in the target profile (a streaming action)")
        return self.spec.stream


async def visible(page: Page, selector: str) -> bool:
    """Whether the first element `selector` matches is visible (False while navigating)."""
    try:
        return await page.locator(selector).first.is_visible()
    except PlaywrightError:
        return False


async def text_of(page: Page, selector: str) -> str:
    """The text of the first element `selector` matches ("" when there is none)."""
    try:
        locator = page.locator(selector).first
        if not await locator.count():
            return ""
        return (await locator.text_content(timeout=1000) or "").strip()
    except PlaywrightError:
        return ""


async def count(page: Page, selector: str) -> int:
    try:
        return await page.locator(selector).count()
    except PlaywrightError:
        return 0


async def first_true(
    checks: Mapping[str, Callable[[], Awaitable[bool]]], timeout_s: float
) -> str | None:
    """Poll the checks in order until one holds; its name, or None when time ran out."""
    deadline = wall_seconds() + timeout_s
    while True:
        for name, check in checks.items():
            if await check():
                return name
        if wall_seconds() >= deadline:
            return None
        await asyncio.sleep(POLL_S)


def seconds_in(text: str) -> float | None:
    """The seconds a countdown shows: "1:05", "65 s", "2 minutes" (None without a number)."""
    clock = re.search(r"(\d+):(\d{2})", text)
    if clock:
        return int(clock.group(1)) * 60 + int(clock.group(2))
    number = re.search(r"\d+(\.\d+)?", text)
    if number is None:
        return None
    value = float(number.group(0))
    return value * 60 if re.search(r"\bmin", text[number.end() :]) else value
