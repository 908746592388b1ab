"""A page that starts with no token in memory (a reload, a tab opened after the others were
closed) signs in from what the browser kept (the refresh cookie, storage) instead of sending
the user to the login page.

Story 3.2 Issue #4: with the token state only in the page, a cleared store had no fallback.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import ProfileFactory, Promise, VirtualClock, checks
from harness.browser import BrowserProfile, BrowserTab
from harness.events import Recorder


def closed_for(promise: Promise) -> timedelta:
    """Away past the access token's life, yet inside the idle timeout (if there is one)."""
    away = promise.access_ttl * 3 / 2
    idle = promise.idle_timeout
    return away if idle is None or away < idle else (promise.access_ttl + idle) / 2


@pytest.mark.ac("AC1", "AC3")
@pytest.mark.scenario("User idle 30 min, returns")
async def test_reloaded_page_signs_in_again_without_the_login_page(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    alice = await profile()
    tab = await alice.login()
    assert isinstance(tab, BrowserTab) and isinstance(alice, BrowserProfile)
    assert await tab.chat("1+1")
    await tab.page.reload()
    await tab.settled()
    assert await tab.signed_in()
    assert await tab.chat("2+2")
    assert alice.refresh_request_count <= 1  # the cookie, once (or a token kept in storage)
    checks.no_redirect_to_login(recorder)


@pytest.mark.ac("AC1", "AC3")
@pytest.mark.scenario("User idle 30 min, returns")
async def test_tab_opened_after_every_tab_was_closed_signs_in_without_the_login_page(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    alice = await profile()
    assert isinstance(alice, BrowserProfile)
    first = await alice.login()
    await first.close()
    alice.tabs.remove(first)
    await clock.advance(closed_for(promise), mode="fast_forward")
    tab = await alice.open_tab()
    assert await tab.signed_in()
    assert await tab.chat("3*3")
    checks.no_redirect_to_login(recorder)
