"""harness/browser/launch.py: finding Chromium and the flags it runs with."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Playwright, async_playwright

from harness.browser import launch
from harness.browser.launch import CHROMIUM_ARGS, BrowserNotFound, find_chromium, launch_chromium

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def playwright() -> AsyncIterator[Playwright]:
    async with async_playwright() as pw:
        yield pw


async def test_find_chromium_with_override_to_missing_file_raises_one_line_error(
    playwright: Playwright,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(launch.ENV_OVERRIDE, "/nonexistent/chromium")
    with pytest.raises(BrowserNotFound, match=r"HARNESS_CHROMIUM=/nonexistent/chromium") as info:
        find_chromium(playwright)
    assert "\n" not in str(info.value)


async def test_find_chromium_when_no_browser_anywhere_names_the_ways_to_install_one(
    playwright: Playwright,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: object,
) -> None:
    monkeypatch.delenv(launch.ENV_OVERRIDE, raising=False)
    monkeypatch.setattr(launch, "SYSTEM_CHROMIUM", ())
    monkeypatch.setattr(launch.shutil, "which", lambda name: None)
    monkeypatch.setattr(
        type(playwright.chromium),
        "executable_path",
        property(lambda self: "/nonexistent/ms-playwright/chrome"),
    )
    with pytest.raises(BrowserNotFound, match="apt-get install chromium") as info:
        find_chromium(playwright)
    assert "\n" not in str(info.value)


async def test_launch_chromium_runs_with_every_recommended_flag(playwright: Playwright) -> None:
    browser = await launch_chromium(playwright)
    try:
        page = await browser.new_page()
        await page.goto("chrome://version")
        command_line = await page.locator("#command_line").inner_text()
    finally:
        await browser.close()
    missing = [flag for flag in CHROMIUM_ARGS if flag not in command_line]
    assert missing == [], f"flags missing from {command_line!r}"
