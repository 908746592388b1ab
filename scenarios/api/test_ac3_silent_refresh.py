"""AC3: refreshing is invisible to the user: no redirect, no error banner, no failed action."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import (
    ActionFailed,
    CheckFailed,
    ClientOptions,
    ConnectionProblem,
    NotApplicable,
    ProfileFactory,
    Promise,
    SignedOut,
    TabDriver,
    checks,
)
from harness.clock import Mode, VirtualClock
from harness.events import Recorder, RefreshSucceeded

pytestmark = pytest.mark.drivers("api", "browser")
# A refresh the user's own action starts retries while the user waits: in Chromium those
# waits are real seconds. Where the backoff is not what a test checks, it is short.
QUICK_RETRIES = ClientOptions(retry_delays=(0.1, 0.1))


def idle_past_expiry(promise: Promise) -> timedelta:
    """Just past the access token: the user comes back to an expired token, still in session."""
    idle = promise.access_ttl + timedelta(minutes=1)
    timeout = promise.idle_timeout
    if timeout is not None and timeout <= idle:
        raise NotApplicable("needs an idle timeout longer than the access TTL")
    return idle


async def what_the_user_sees(tab: TabDriver, message: str) -> str:
    """The action's reply, or the failure the user would see instead of it."""
    try:
        return await tab.chat(message)
    except (ActionFailed, ConnectionProblem, SignedOut) as failure:
        return f"failed: {failure}"


async def idle_then_return(
    profile: ProfileFactory,
    clock: VirtualClock,
    promise: Promise,
    mode: Mode,
    options: ClientOptions | None = None,
) -> tuple[TabDriver, list[str]]:
    """The tab, and what the user saw before and after being away."""
    tab = await (await profile(options=options)).login()
    before = await what_the_user_sees(tab, "2+2")
    await clock.advance(idle_past_expiry(promise), mode=mode)
    return tab, [before, await what_the_user_sees(tab, "3*3")]


@pytest.mark.ac("AC3")
@pytest.mark.scenario("User idle 30 min, returns")
@pytest.mark.parametrize(
    "mode",
    [pytest.param("run_for", id="tab-open"), pytest.param("fast_forward", id="laptop-asleep")],
)
async def test_user_returning_after_the_access_token_expired_is_refreshed_silently(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise, mode: Mode
) -> None:
    tab, replies = await idle_then_return(profile, clock, promise, mode)
    assert not any(reply.startswith("failed") for reply in replies), replies
    assert recorder.count(RefreshSucceeded) == 1
    assert await tab.banner() is None and await tab.warning() is None
    checks.no_interruption(recorder)
    checks.no_unauthorized(recorder)


@pytest.mark.negative
@pytest.mark.ac("AC3")
@pytest.mark.refapp(regressions={"naive_datetimes"})
async def test_naive_datetime_crash_on_the_server_is_caught_interrupting_the_user(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    # The story's "can't compare offset-naive and offset-aware datetimes" bug.
    _, replies = await idle_then_return(profile, clock, promise, "run_for", QUICK_RETRIES)
    assert all(reply.startswith("failed") for reply in replies)
    with pytest.raises(CheckFailed, match="banner_shown"):
        checks.no_interruption(recorder)
