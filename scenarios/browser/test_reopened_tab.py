"""A page that starts with no token in memory (a reload, a tab opened after the others were
closed) signs in from the refresh cookie instead of sending the user to the login page.

Story 3.2 Issue #4: with the token state only in the page, a cleared store had no fallback.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import checks
from harness.browser import BrowserSession, BrowserTab
from harness.clock import VirtualClock
from harness.events import Recorder
from harness.target import load_profile

ALICE = load_profile("reference-app").user("alice")
SIGNED_IN_OR_LOGIN = """() => document.body.dataset.auth === 'signed-in'
    || location.pathname === '/login'"""
CLOSED_FOR = timedelta(minutes=45)  # past the access token, inside the idle timeout


async def settled(tab: BrowserTab) -> BrowserTab:
    """The page once it has signed in or gone to the login page."""
    await tab.page.wait_for_function(SIGNED_IN_OR_LOGIN)
    await tab.recording.settle()
    return tab


@pytest.mark.ac("AC1", "AC3")
@pytest.mark.scenario("User idle 30 min, returns")
async def test_reloaded_page_signs_in_again_from_the_refresh_cookie(
    session: BrowserSession, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await session.new_profile("alice")
    tab = await alice.new_tab("/login")
    await tab.login(ALICE.identifier, ALICE.secret())
    assert await tab.chat("1+1") == "2"
    await tab.page.reload()
    assert not (await settled(tab)).on_login_page
    assert await tab.chat("2+2") == "4"
    assert alice.refresh_request_count == 1  # the cookie, once
    checks.no_redirect_to_login(recorder)


@pytest.mark.ac("AC1", "AC3")
@pytest.mark.scenario("User idle 30 min, returns")
async def test_tab_opened_after_every_tab_was_closed_signs_in_from_the_refresh_cookie(
    session: BrowserSession, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await session.new_profile("alice")
    first = await alice.new_tab("/login")
    await first.login(ALICE.identifier, ALICE.secret())
    await first.close()
    alice.tabs.remove(first)
    await clock.advance(CLOSED_FOR, mode="fast_forward")
    tab = await settled(await alice.new_tab("/"))
    assert not tab.on_login_page
    assert await tab.chat("3*3") == "9"
    checks.no_redirect_to_login(recorder)
    checks.no_unauthorized(recorder)
