"""The gevent driver of the tab machine (harness/load/tabs.py), against a scripted wire.

No Locust and no server: greenlets of one process, a wire that answers as the reference
app does, and the tally the storm's figures are made from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta

import gevent
import pytest

from harness.load.plan import StormPlan, Timing
from harness.load.process import NetworkFailure, ProcessState
from harness.load.tabs import StormProfile
from harness.target import Reply, load_profile
from harness.target.contract import Outgoing

TIMING = Timing(access_ttl_s=900, threshold_s=180, tick_s=30)
FAST_RETRIES = (0.01, 0.01, 0.01)


def grant_body(now: datetime, value: str) -> Reply:
    expires = now + timedelta(seconds=TIMING.access_ttl_s)
    return Reply(
        200,
        json={
            "access_token": value,
            "access_expires_at": expires.isoformat(),
            "server_time": now.isoformat(),
        },
        cookies={"refresh_token": f"r-{value}"},
    )


class ScriptedWire:
    """Answers every refresh with a new token (or `refresh`'s reply) and the rest with 200."""

    def __init__(self, process: ProcessState) -> None:
        self.process = process
        self.sent: list[str] = []
        self.refresh: Callable[[], Reply] | None = None  # None: a grant
        self.api: Callable[[str | None], Reply] = lambda _token: Reply(200, json={})
        self.delay_s = 0.0

    def cookies(self) -> dict[str, str]:
        return {"refresh_token": "r0"}

    def store_cookies(self, path: str, lines: list[str]) -> None:
        pass

    def send(self, outgoing: Outgoing, *, name: str) -> Reply:
        self.sent.append(outgoing.purpose)
        gevent.sleep(self.delay_s)  # the answer takes a while: other greenlets run
        if outgoing.purpose == "refresh":
            if self.refresh is not None:
                return self.refresh()
            return grant_body(self.process.clock.now(), f"t{self.sent.count('refresh')}")
        return self.api(outgoing.headers.get("Authorization"))


def storm_profile(tabs: int = 2, **policy: object) -> tuple[StormProfile, ScriptedWire]:
    plan = StormPlan(shape="aligned", profiles=1, tabs=tabs, lifetimes=1, timing=TIMING)
    process = ProcessState.of(plan, load_profile("reference-app"))
    process.policy = dataclasses.replace(process.policy, retry_delays=FAST_RETRIES, **policy)  # type: ignore[arg-type]
    wire = ScriptedWire(process)
    user = process.target.users[0]
    profile = StormProfile(process, wire, fate="active", user=user, tabs=tabs)
    profile.start_session(grant_body(process.clock.now(), "t0"))
    return profile, wire


def make_due(profile: StormProfile) -> None:
    """Move the storm's clock so that the profile's token is under the refresh threshold."""
    profile.process.clock.offset_s += TIMING.jump_s


def test_tabs_of_one_profile_due_together_send_one_refresh() -> None:
    profile, wire = storm_profile(tabs=3)
    wire.delay_s = 0.01
    make_due(profile)
    gevent.joinall([gevent.spawn(tab.declared, "probe", {}) for tab in profile.tabs])
    assert wire.sent.count("refresh") == 1
    assert wire.sent.count("probe") == 3
    assert profile.process.tally.counts["refresh_flights"] == 1
    assert all(tab.token is profile.state.token for tab in profile.tabs)


def test_a_refused_access_token_is_refreshed_once_and_the_request_retried() -> None:
    profile, wire = storm_profile(tabs=1)
    expired = Reply(401, json={"error": "token_expired"})
    wire.api = lambda token: expired if token == "Bearer t0" else Reply(200, json={})
    reply = profile.tabs[0].declared("probe", {})
    assert reply is not None and reply.status == 200
    assert wire.sent == ["probe", "refresh", "probe"]
    assert profile.process.tally.counts["action_401s"] == 1


def test_an_unreachable_refresh_backs_off_gives_up_and_keeps_the_user_signed_in() -> None:
    profile, wire = storm_profile(tabs=1)

    def unreachable() -> Reply:
        raise NetworkFailure("connection refused")

    wire.refresh = unreachable
    make_due(profile)
    reply = profile.tabs[0].declared("probe", {})
    assert reply is not None  # the old token is still valid
    counts = profile.process.tally.counts
    assert (counts["refresh_retries"], counts["refresh_gave_up"]) == (3, 1)
    assert profile.signed_in and profile.tabs[0].machine.banner is not None


def test_a_refused_refresh_signs_every_tab_out_with_its_reason() -> None:
    profile, wire = storm_profile(tabs=2)
    wire.refresh = lambda: Reply(401, json={"error": "refresh_reused"})
    make_due(profile)
    assert profile.tabs[0].declared("probe", {}) is None
    assert not any(tab.in_session for tab in profile.tabs)
    assert profile.ended == "refresh_reused"
    assert profile.process.tally.counts["refresh_refused"] == 1


def test_a_lock_held_past_its_timeout_is_stolen() -> None:
    profile, wire = storm_profile(tabs=1, lock_timeout_seconds=0.05)
    assert profile.lock.acquire(1.0)  # a frozen tab holds it and never lets go
    make_due(profile)
    assert profile.tabs[0].declared("probe", {}) is not None
    assert profile.process.tally.counts["lock_steals"] == 1
    assert wire.sent.count("refresh") == 1


@pytest.mark.parametrize("due", [False, True])
def test_a_tick_refreshes_only_a_token_under_the_threshold(due: bool) -> None:
    profile, wire = storm_profile(tabs=1)
    if due:
        make_due(profile)
    profile.tabs[0].tick()
    assert wire.sent == (["refresh"] if due else [])


def test_a_killed_tab_lets_go_of_the_lock_and_its_flight() -> None:
    profile, wire = storm_profile(tabs=2)
    wire.delay_s = 10.0  # the refresh hangs
    make_due(profile)
    first = gevent.spawn(profile.tabs[0].declared, "probe", {})
    gevent.sleep(0.01)
    first.kill()
    assert profile.state.refresh_locks_held == 0 and not profile.tabs[0].machine.flying
    wire.delay_s = 0.0
    assert profile.tabs[1].declared("probe", {}) is not None
