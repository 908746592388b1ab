"""harness/browser/pages.py: the profile's [browser] section as questions about a page."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Browser, Route

from harness.browser.pages import ApiScope, Pages, first_true, seconds_in, visible
from harness.target.browser import Browser as BrowserSpec

SPEC = BrowserSpec.model_validate(
    {
        "identifier": "#user",
        "password": "#pw",
        "submit": "role=button[name='Sign in']",
        "signed_in": "text=Signed in as",
        "login_page": {"url": "^/sign-in", "reason_param": "why", "reasons": {"gone": "x"}},
        "action": {"fill": "#m", "click": "#go", "result": ".reply"},
    }
)
PAGES = {
    "http://app.test/sign-in": "<body><button>Sign in</button></body>",
    "http://app.test/home": "<body><p>Signed in as alice</p></body>",
}


async def serve(route: Route) -> None:
    url = route.request.url.split("?")[0]
    await route.fulfill(body=PAGES[url], content_type="text/html")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1:05", 65), ("in 65 s", 65), ("in 2 minutes", 120), ("soon", None), ("12.5", 12.5)],
)
def test_countdown_text_reads_as_seconds(text: str, seconds: float | None) -> None:
    assert seconds_in(text) == seconds


def test_api_scope_is_the_folder_every_profile_path_lies_in_on_the_apps_origin() -> None:
    scope = ApiScope.of("http://127.0.0.1:8000", ["/api/auth/login", "/api/chat", "/api/me"])
    assert scope.prefix == "/api/"
    assert scope.contains("http://127.0.0.1:8000/api/other?x=1")
    assert not scope.contains("http://127.0.0.1:8000/static/app.js")
    assert not scope.contains("http://evil.test/api/chat")
    assert ApiScope.of("http://h", ["/login", "/me"]).prefix == "/"


def test_login_page_reason_is_mapped_to_the_harness_words_and_kept_when_unknown() -> None:
    pages = Pages(SPEC)
    assert pages.login_url_matches("http://app.test/sign-in?why=gone")
    assert not pages.login_url_matches("http://app.test/home")
    assert pages.reason("http://app.test/sign-in?why=gone") == "x"
    assert pages.reason("http://app.test/sign-in?why=idle") == "idle"
    assert pages.reason("http://app.test/sign-in") == ""


@pytest.mark.asyncio(loop_scope="session")
async def test_any_playwright_selector_answers_and_a_wait_survives_navigation(
    browser: Browser,
) -> None:
    page = await browser.new_page()
    try:
        await page.route("http://app.test/**", serve)
        await page.goto("http://app.test/sign-in")
        pages = Pages(SPEC)
        assert await pages.on_login_page(page)
        assert await visible(page, SPEC.submit)  # a role= selector
        assert not await pages.signed_in(page)
        waiting = asyncio.create_task(first_true({"in": lambda: pages.signed_in(page)}, 10))
        await page.goto("http://app.test/home")
        assert await waiting == "in"  # a text= selector, found across the navigation
        assert await first_true({"never": lambda: visible(page, "#nothing")}, 0.05) is None
    finally:
        await page.close()
