"""What a check needs; without it the check is skipped as "not applicable", saying why."""

from __future__ import annotations

import pytest

from harness.clock import FixedServerClock, RealTimeClock, VirtualClock
from harness.conformance import needs
from harness.conformance.activity import active_step
from harness.target import load_profile
from harness.target.model import Policy

PROFILE = load_profile("reference-app")


def reason(excinfo: pytest.ExceptionInfo[BaseException]) -> str:
    return str(excinfo.value.msg)  # type: ignore[attr-defined]


def test_a_clock_that_cannot_move_is_not_applicable() -> None:
    with pytest.raises(pytest.skip.Exception) as excinfo:
        needs.clock_for(VirtualClock(server=FixedServerClock()), 10)
    assert reason(excinfo).startswith("not applicable: needs a clock")


def test_real_time_beyond_its_limit_is_not_applicable() -> None:
    clock = RealTimeClock(max_wait_seconds=60)
    needs.clock_for(clock, 59)
    with pytest.raises(pytest.skip.Exception) as excinfo:
        needs.clock_for(clock, 3600)
    assert reason(excinfo) == (
        "not applicable: needs 3,600 s of real time (clock.mode = real allows 60 s): "
        "start the app with shorter TTLs"
    )


def test_missing_request_and_promise_are_named() -> None:
    bare = PROFILE.model_copy(update={"logout": None, "probe": None, "action": None})
    with pytest.raises(pytest.skip.Exception) as excinfo:
        needs.request(bare, "logout")
    assert reason(excinfo) == "not applicable: needs [logout] in the target profile"
    with pytest.raises(pytest.skip.Exception):
        needs.activity(bare)
    with pytest.raises(pytest.skip.Exception) as excinfo:
        needs.promised(Policy(), "idle_timeout_seconds", "an idle timeout")
    assert "policy.idle_timeout_seconds" in reason(excinfo)


def test_activity_prefers_the_probe() -> None:
    assert needs.activity(PROFILE) == "probe"
    assert needs.activity(PROFILE.model_copy(update={"probe": None})) == "action"
    assert needs.promised(Policy(idle_timeout_seconds=60), "idle_timeout_seconds", "x") == 60


def test_margin_and_step_stay_inside_the_limits() -> None:
    assert needs.margin(1800) == 60 and needs.margin(10) == 1 and needs.margin(100) == 5
    assert active_step(3600, None, 604800) == pytest.approx(3240)
    with pytest.raises(ValueError, match="at least one limit"):
        active_step(None, 0)


def test_a_profile_with_fewer_users_than_a_check_needs_is_not_applicable() -> None:
    needs.users(PROFILE, 2)
    alone = PROFILE.model_copy(update={"users": PROFILE.users[:1]})
    with pytest.raises(pytest.skip.Exception) as excinfo:
        needs.users(alone, 2)
    assert reason(excinfo) == "not applicable: needs 2 [[users]] in the target profile, it has 1"
