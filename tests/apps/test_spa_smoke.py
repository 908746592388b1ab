"""The single-page app of tests/apps/spa (axios + axios-auth-refresh) in Chromium, both variants.

One drf_simplejwt server per SPA_VARIANT, with the test clock: the access token expires by
moving the app's clock, not by waiting. The test signs in, sends, streams and checks the
session; after expiry a send refreshes (axios-auth-refresh, after the 401) and the stream
refreshes too (clean) or throws the user to the login page (raw_fetch, the story's bug).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request, expect, sync_playwright

from harness.adapters.clock_core import ENV_VAR
from harness.browser.launch import CHROMIUM_ARGS, SYSTEM_CHROMIUM
from harness.server import AppServer
from tests.apps.servers import USERS, RunningApp, app_env

pytestmark = pytest.mark.browser

ACCESS_TTL, REFRESH_TTL = 60, 600
REFRESH_PATH = "/api/token/refresh/"
REPLY = 'li.reply[data-done="true"]'
TIMEOUT_MS = 5000


def _chromium() -> str:
    for candidate in SYSTEM_CHROMIUM:
        if Path(candidate).is_file():
            return candidate
    pytest.skip("no system Chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=_chromium(), args=list(CHROMIUM_ARGS), headless=True
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module", params=["clean", "raw_fetch"])
def variant(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def spa_app(variant: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    env = app_env(
        ACCESS_TTL,
        REFRESH_TTL,
        APP_DATABASE=str(tmp_path_factory.mktemp("spa") / "drf_simplejwt.sqlite3"),
        APP_FAST_PASSWORD_HASHING="1",
        SPA_VARIANT=variant,
    )
    server = AppServer(
        env,
        app="tests.apps.drf_simplejwt.asgi:application",
        factory=False,
        test_clock=True,
        clock_env=ENV_VAR,
        ready_path="/api/me",
        ready_status=401,
    )
    with server:
        app = RunningApp(server.base_url, ACCESS_TTL, REFRESH_TTL, USERS)
        yield app
        app.reset_clock()


def _stored(page: Page, key: str) -> str | None:
    value = page.evaluate("key => localStorage.getItem(key)", key)
    return value if value is None else str(value)


def _sign_in(page: Page, app: RunningApp) -> None:
    page.goto(app.base_url + "/app/")
    expect(page).to_have_url(re.compile(r"/app/login$"))  # no tokens: the login page
    page.fill("#username", "alice")
    page.fill("#password", "not-the-password")
    page.click("#sign-in")
    expect(page.locator("#login-error")).to_contain_text("No active account")
    page.fill("#password", app.users["alice"])
    page.click("#sign-in")
    expect(page).to_have_url(re.compile(r"/app/$"))
    expect(page.locator("#whoami")).to_have_text("alice")


def _send(page: Page, button: str, text: str, replies_before: int) -> None:
    page.fill("#message", text)
    page.click(button)
    replies = page.locator(REPLY)
    expect(replies).to_have_count(replies_before + 1)
    expect(replies.last).to_have_text(text)


def test_spa_signs_in_works_and_survives_expiry(
    browser: Browser, spa_app: RunningApp, variant: str
) -> None:
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    seen: list[str] = []
    page.on("request", lambda request: seen.append(_path(request)))
    crashes: list[str] = []
    page.on("pageerror", lambda error: crashes.append(str(error)))
    try:
        _sign_in(page, spa_app)
        assert page.locator("html").get_attribute("data-variant") == variant
        first_refresh = _stored(page, "spa.refresh")
        assert _stored(page, "spa.access") and first_refresh

        _send(page, "#send", "hello there", 0)
        _send(page, "#stream", "stream me please", 1)
        with page.expect_response(lambda r: r.url.endswith("/api/me")) as probe:
            page.click("#check-session")
        assert probe.value.status == 200
        assert REFRESH_PATH not in seen  # nothing refreshes before the access token expires

        # Expired: the send gets a 401, axios-auth-refresh refreshes and retries it.
        spa_app.move_clock(ACCESS_TTL + 1)
        _send(page, "#send", "after expiry", 2)
        assert seen.count(REFRESH_PATH) == 1
        assert _stored(page, "spa.refresh") not in (None, first_refresh)  # rotated, stored
        expect(page.locator("#error")).to_be_empty()

        spa_app.move_clock(ACCESS_TTL + 1)
        if variant == "clean":
            _send(page, "#stream", "streamed after expiry", 3)
            assert seen.count(REFRESH_PATH) == 2
            _sign_out_reaches_other_tabs(page, spa_app)
        else:
            page.fill("#message", "streamed after expiry")
            page.click("#stream")
            expect(page).to_have_url(re.compile(r"/app/login\?reason=expired$"))
            expect(page.locator("#login-message")).to_have_text(
                "Your session has expired. Please sign in again."
            )
            assert seen.count(REFRESH_PATH) == 1  # raw fetch: no refresh was even tried
            assert _stored(page, "spa.access") is None
            assert _stored(page, "spa.refresh") is None
        assert crashes == []
    finally:
        context.close()


def _sign_out_reaches_other_tabs(page: Page, app: RunningApp) -> None:
    other = page.context.new_page()
    other.goto(app.base_url + "/app/")
    expect(other.locator("#whoami")).to_have_text("alice")
    with page.expect_response(lambda r: r.url.endswith("/api/token/blacklist/")) as logout:
        page.click("#sign-out")
    assert logout.value.status == 200
    for tab in (page, other):
        expect(tab).to_have_url(re.compile(r"/app/login\?reason=logout$"))
        expect(tab.locator("#login-message")).to_have_text("You signed out.")


def _path(request: Request) -> str:
    return re.sub(r"^https?://[^/]+", "", request.url)
