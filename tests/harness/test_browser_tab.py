"""harness/browser/tab.py: waits that survive a page being replaced under them."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Browser, Route

from harness.browser.tab import page_predicate

pytestmark = pytest.mark.asyncio(loop_scope="session")

SIGNED_IN = "document.body.dataset.auth === 'signed-in'"  # throws while there is no body
PAGES = {
    "http://app.test/first": "<body data-auth='signed-out'>first</body>",
    "http://app.test/second": "<body data-auth='signed-in'>second</body>",
}


async def serve(route: Route) -> None:
    await route.fulfill(body=PAGES[route.request.url], content_type="text/html")


async def test_predicate_reads_a_missing_body_as_not_yet_instead_of_throwing(
    browser: Browser,
) -> None:
    page = await browser.new_page()
    try:
        await page.set_content("<body data-auth='signed-out'></body>")
        await page.evaluate("() => document.documentElement.removeChild(document.body)")
        with pytest.raises(Exception, match="Cannot read properties of null"):
            await page.evaluate(f"() => {SIGNED_IN}")  # the defect the wrapper removes
        assert await page.evaluate(page_predicate(SIGNED_IN)) is False
        waiting = asyncio.create_task(page.wait_for_function(page_predicate(SIGNED_IN)))
        await page.evaluate(
            "() => { const body = document.createElement('body');"
            " body.dataset.auth = 'signed-in'; document.documentElement.append(body); }"
        )
        await asyncio.wait_for(waiting, timeout=10)
    finally:
        await page.close()


async def test_wait_started_on_one_page_resolves_on_the_page_navigated_to(
    browser: Browser,
) -> None:
    page = await browser.new_page()
    try:
        await page.route("http://app.test/**", serve)
        await page.goto("http://app.test/first")
        waiting = asyncio.create_task(
            page.wait_for_function(page_predicate(SIGNED_IN), timeout=10_000)
        )
        await page.goto("http://app.test/second")
        await asyncio.wait_for(waiting, timeout=10)
    finally:
        await page.close()
