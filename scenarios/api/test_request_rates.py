"""Background request rates: heartbeats, timers and retries stay within the served budget."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime, timedelta

import pytest

from harness import Pace, ProfileDriver, ProfileFactory, Promise, VirtualClock, checks
from harness.events import Recorder, RefreshStarted, RequestSent

pytestmark = pytest.mark.drivers("api", "browser")

ACTIVE = timedelta(minutes=10)
CLICK_EVERY = timedelta(seconds=15)  # several clicks per heartbeat period (60 s served)


def requests_by_purpose(recorder: Recorder, user: ProfileDriver, since: datetime) -> Counter[str]:
    """The profile's requests from `since` on, counted by what they are for."""
    sent = recorder.of_kind(RequestSent)
    return Counter(r.purpose for r in sent if r.profile == user.name and r.at >= since)


def heartbeat_period(user: ProfileDriver, promise: Promise) -> timedelta:
    """At most one heartbeat this often: heartbeat_max_seconds, capped at a quarter of the idle
    timeout (so that one always lands inside it)."""
    idle = promise.require("idle_timeout_seconds")
    return min(timedelta(seconds=user.policy.heartbeat_max_seconds), idle / 4)


@pytest.mark.ac("AC5")
@pytest.mark.needs("probe")
async def test_clicks_for_ten_minutes_send_at_most_one_heartbeat_per_period(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise, pace: Pace
) -> None:
    user = await profile()
    period = heartbeat_period(user, promise)
    tab = await user.login()
    start = clock.now()
    for _ in range(round(ACTIVE / CLICK_EVERY)):
        await clock.advance(CLICK_EVERY)
        await tab.activity()
    await clock.advance(CLICK_EVERY)  # the last click's tick
    checks.no_redirect_to_login(recorder)
    # A page's clock runs in slices: a heartbeat may land one slice early.
    slack = 1 if pace.precision == timedelta(0) else 2
    heartbeats = requests_by_purpose(recorder, user, start)["probe"]
    assert heartbeats >= 1, "the clicks never reached the server"
    if user.policy.known:
        allowed = math.ceil(ACTIVE / period) + slack
        assert heartbeats <= allowed, f"{heartbeats} heartbeats in {ACTIVE}, at most {allowed}"


@pytest.mark.ac("AC2")
async def test_a_tab_left_alone_sends_only_its_refreshes(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise
) -> None:
    user = await profile()
    await user.login()
    await clock.advance(timedelta(minutes=1))  # the page's own start-up requests are over
    start, span = clock.now(), timedelta(hours=1)
    if promise.policy.idle_timeout_seconds:  # stop short of the idle sign-out
        span = min(span, promise.require("idle_timeout_seconds") - timedelta(minutes=2))
    await clock.advance(span)
    checks.no_redirect_to_login(recorder)
    sent = requests_by_purpose(recorder, user, start)
    # One refresh per token, not before the client's threshold (a client the harness does not
    # know may refresh as early as half the token's life).
    ttl = promise.access_ttl.total_seconds()
    earliest = ttl / 2 if not user.policy.known else ttl - user.policy.threshold_for(ttl)
    allowed = math.ceil(span.total_seconds() / earliest) + 1
    assert sent["refresh"] <= allowed, f"{sent['refresh']} refreshes in {span}, at most {allowed}"
    # Nobody acted: no heartbeat, nothing the user would have sent.
    assert sent["probe"] == sent["api"] == 0, sent


OFFLINE = timedelta(minutes=5)


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Network error during refresh")
async def test_offline_refresh_attempts_follow_the_backoff(
    profile: ProfileFactory, clock: VirtualClock, recorder: Recorder, promise: Promise, pace: Pace
) -> None:
    user = await profile()
    await user.login()
    ttl = promise.access_ttl
    await clock.advance(ttl - timedelta(seconds=user.policy.threshold_for(ttl.total_seconds())))
    user.network.offline = True
    start = clock.now()
    await clock.advance(OFFLINE)
    sent = requests_by_purpose(recorder, user, start)["refresh"]
    per_cycle = len(user.policy.retry_delays) + 1
    # A failure cycle is one try and its retries; the next starts at a tick, no sooner.
    cycles = math.ceil(OFFLINE / timedelta(seconds=user.policy.tick_seconds)) + 1
    assert sent <= cycles * per_cycle, f"{sent} refresh attempts offline for {OFFLINE}"
    if pace.precision == timedelta(0):  # the simulated client tells each cycle's start
        started = sum(1 for r in recorder.of_kind(RefreshStarted) if r.at >= start)
        assert sent <= started * per_cycle, f"{sent} refresh attempts in {started} cycle(s)"
