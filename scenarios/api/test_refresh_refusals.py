"""Refusals of the refresh call that are not network trouble: which end the session at once
and which are worth another try (issue class: a client that treats a 403 from its refresh
call as transient shows "retrying" forever and never sends the user to sign in)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import Pace, ProfileFactory, Promise, SignedOut, VirtualClock, checks
from harness.behaviour import work_past_expiries
from harness.events import BannerShown, Recorder, RefreshRetry, RequestSent

pytestmark = pytest.mark.drivers("api", "browser")


def refresh_requests(recorder: Recorder) -> int:
    return sum(1 for e in recorder.of_kind(RequestSent) if e.purpose == "refresh")  # type: ignore[attr-defined]


@pytest.mark.ac("AC4")
@pytest.mark.parametrize(
    ("status", "error"),
    [(403, "csrf_failed"), (400, "invalid_grant")],
    ids=["403-csrf_failed", "400-invalid_grant"],
)
async def test_refresh_refused_for_good_signs_the_user_out_without_retrying_or_a_banner(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    pace: Pace,
    status: int,
    error: str,
) -> None:
    """A refusal is the server's last word: one refresh request, no "retrying" banner, and the
    user on the login page before the expired token leaves them stuck."""
    user = await profile()
    tab = await user.login()
    user.network.fail_next(promise.profile.path_of("refresh"), times=20, status=status, error=error)
    with pytest.raises(SignedOut):
        for _ in range(3):  # through the token's expiry, working
            await clock.advance(promise.access_ttl / 2 + timedelta(seconds=1), mode=pace.gaps)
            await tab.chat("2+2")
    assert refresh_requests(recorder) == 1, "a refused refresh was tried again"
    assert recorder.count(RefreshRetry) == 0
    assert recorder.count(BannerShown) == 0, "a final refusal was shown as a connection problem"
    assert not await tab.signed_in()


@pytest.mark.ac("AC1", "AC4")
@pytest.mark.parametrize("status", [429, 408], ids=["429-too-many-requests", "408-timeout"])
async def test_refresh_answered_try_again_later_is_retried_and_the_user_stays_signed_in(
    profile: ProfileFactory,
    clock: VirtualClock,
    recorder: Recorder,
    promise: Promise,
    pace: Pace,
    status: int,
) -> None:
    """A rate limit or a timeout says "not now", not "never": the client tries again after
    its backoff, and the user works on."""
    user = await profile()
    tab = await user.login()
    user.network.fail_next(promise.profile.path_of("refresh"), status=status, error="rate_limited")
    await work_past_expiries(tab, clock, promise, pace)  # the first refresh answered `status`
    checks.no_redirect_to_login(recorder)
    checks.no_fatal_refresh_failure(recorder)
    assert await tab.signed_in()
    assert refresh_requests(recorder) >= 2
