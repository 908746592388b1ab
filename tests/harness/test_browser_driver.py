"""The browser driver speaks harness.drivers: the same verbs, views and exceptions as a
simulated tab, client options through the served config, faults through request routing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from harness import (
    ActionFailed,
    ClientOptions,
    ConnectionProblem,
    LoginFailed,
    ProfileFactory,
    SignedOut,
    VirtualClock,
)
from harness.browser import BrowserTab
from harness.browser.routing import served_with_options
from harness.events import LoggedIn, Recorder, RefreshSucceeded, Rotation

pytestmark = pytest.mark.browser

READ_CONFIG = """async () => {
    const config = await import('/auth/config.js');
    return [config.regression('no_proactive_refresh'), config.client().retry_delays_seconds];
}"""


def page_of(tab: object) -> BrowserTab:
    assert isinstance(tab, BrowserTab)
    return tab


def test_served_config_carries_the_profiles_client_options() -> None:
    served: dict[str, Any] = {"regressions": ["naive_datetimes"], "client": {"tick_seconds": 30}}
    options = ClientOptions(shared_lock=False, retry_delays=(3.0,), timer_interval_seconds=5)
    assert served_with_options(served, options) == {
        "regressions": ["naive_datetimes", "per_tab_lock"],
        "client": {"tick_seconds": 5, "retry_delays_seconds": [3.0]},
    }
    assert served == {"regressions": ["naive_datetimes"], "client": {"tick_seconds": 30}}


async def test_wrong_password_raises_login_failed_with_the_apps_answer(
    profile: ProfileFactory,
) -> None:
    user = await profile()
    tab = await user.open_tab()
    with pytest.raises(LoginFailed) as failed:
        await tab.login("alice@example.com", "not her password")
    assert failed.value.status == 401 and failed.value.error
    assert not await tab.signed_in()


async def test_client_options_reach_the_frontend_through_its_served_config(
    profile: ProfileFactory,
) -> None:
    broken = await profile(options=ClientOptions(proactive_refresh=False, retry_delays=(3.0,)))
    good = await profile(1)
    broken_tab, good_tab = await broken.login(), await good.login()
    assert await page_of(broken_tab).page.evaluate(READ_CONFIG) == [True, [3]]
    assert await page_of(good_tab).page.evaluate(READ_CONFIG) == [False, [1, 2, 4]]
    assert broken.policy.retry_delays == (3.0,) and not broken.policy.proactive_refresh


async def test_network_faults_reach_the_page_as_the_simulated_tabs_exceptions(
    profile: ProfileFactory,
) -> None:
    user = await profile()
    tab = await user.login()
    user.network.fail_next("/api/chat", status=500, error="boom")
    with pytest.raises(ActionFailed) as refused:
        await tab.chat("2+2")
    assert (refused.value.status, refused.value.error) == (500, "boom")
    user.network.offline = True
    with pytest.raises(ConnectionProblem):
        await tab.probe()
    user.network.offline = False
    assert (await tab.probe()).status_code == 200
    assert await tab.chat("2+2") == "4"


async def test_after_logout_every_view_shows_the_login_page_and_actions_raise_signed_out(
    profile: ProfileFactory,
) -> None:
    user = await profile()
    tab, other = await user.login(), await user.open_tab()
    await tab.logout()
    for each in (tab, other):
        assert not await each.signed_in()
        assert await each.login_reason() == "logout"
        assert await each.login_message() == user.policy.message_for("logout")
        assert await each.banner() is None and await each.warning() is None
    with pytest.raises(SignedOut, match="logout"):
        await other.chat("anyone?")


async def test_skewed_page_clock_runs_ahead_while_events_keep_virtual_time(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder
) -> None:
    user = await profile(options=ClientOptions(skew_seconds=600))
    tab = await user.login()
    page_ms = await page_of(tab).page.evaluate("() => Date.now()")
    assert abs(page_ms / 1000 - clock.now().timestamp() - 600) < 5
    [login] = recorder.of_kind(LoggedIn)
    assert abs((login.at - clock.now()).total_seconds()) < 5
    await clock.advance(timedelta(minutes=26))
    [refreshed] = recorder.of_kind(RefreshSucceeded)
    assert recorder.count(Rotation) == 1
    assert timedelta(minutes=24) < refreshed.at - login.at < timedelta(minutes=26)
