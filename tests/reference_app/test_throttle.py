from __future__ import annotations

import pytest

from reference_app.errors import ApiError
from reference_app.throttle import FailureWindow, LoginThrottle


def test_window_refuses_once_the_limit_is_reached_until_the_oldest_failure_ages_out() -> None:
    window = FailureWindow(limit=3, seconds=300)
    for at in (0.0, 10.0, 20.0):
        assert window.retry_after("alice", at) is None
        window.record("alice", at)
    assert window.retry_after("alice", 30.0) == 270.0
    assert window.retry_after("alice", 299.0) == 1.0
    assert window.retry_after("alice", 300.0) is None  # the failure at 0 left the window
    window.record("alice", 300.0)
    assert window.retry_after("alice", 301.0) == 9.0  # the one at 10 is now the oldest


def test_window_counts_each_key_apart() -> None:
    window = FailureWindow(limit=1, seconds=60)
    window.record("alice", 0.0)
    assert window.retry_after("alice", 1.0) == 59.0
    assert window.retry_after("bob", 1.0) is None


def test_window_with_limit_zero_never_refuses_nor_remembers() -> None:
    window = FailureWindow(limit=0, seconds=60)
    for at in range(100):
        window.record("alice", float(at))
    assert window.retry_after("alice", 100.0) is None
    assert len(window) == 0


def test_window_reset_forgets_the_key() -> None:
    window = FailureWindow(limit=1, seconds=60)
    window.record("alice", 0.0)
    window.reset("alice")
    assert window.retry_after("alice", 1.0) is None


def test_window_forgets_the_least_recently_failing_key_past_max_keys() -> None:
    window = FailureWindow(limit=1, seconds=60, max_keys=2)
    for key in ("a", "b", "a", "c"):  # "a" failed again after "b": "b" is forgotten
        window.record(key, 0.0)
    assert len(window) == 2
    assert window.retry_after("b", 1.0) is None
    assert window.retry_after("a", 1.0) == window.retry_after("c", 1.0) == 59.0


def test_window_after_the_clock_moved_back_waits_at_most_one_window() -> None:
    window = FailureWindow(limit=1, seconds=60)
    window.record("alice", 10_000.0)
    assert window.retry_after("alice", 0.0) == 60.0


def test_throttle_refusal_is_429_rate_limited_with_whole_retry_after_seconds() -> None:
    throttle = LoginThrottle(per_account=2, per_address=0, window_seconds=300)
    throttle.failed("alice", "10.0.0.1", 0.0)
    throttle.failed("alice", "10.0.0.2", 0.5)
    with pytest.raises(ApiError) as refused:
        throttle.check("alice", "10.0.0.3", 100.0)
    assert (refused.value.status, refused.value.code) == (429, "rate_limited")
    assert refused.value.headers == {"Retry-After": "200"}
    assert "200 s" in refused.value.message


def test_throttle_success_resets_the_account_but_not_the_address() -> None:
    throttle = LoginThrottle(per_account=1, per_address=1, window_seconds=60)
    throttle.failed("alice", "10.0.0.1", 0.0)
    throttle.succeeded("alice")
    throttle.check("alice", "10.0.0.2", 1.0)  # the account is open again
    with pytest.raises(ApiError):
        throttle.check("bob", "10.0.0.1", 1.0)
