"""harness/faults.py: the faults a test puts on a profile's network, used once each."""

from __future__ import annotations

import pytest

from harness.faults import Network


def test_a_fault_matches_by_path_prefix_and_is_used_up_after_its_times() -> None:
    network = Network()
    network.fail_next("/api/auth/refresh", times=2, status=503)
    network.lose_next_response("/api/")
    assert network.consume("/api/chat") is not None  # the lost answer: any API path
    kinds = [getattr(network.consume("/api/auth/refresh"), "kind", None) for _ in range(3)]
    assert kinds == ["status", "status", None]


def test_clear_goes_back_online_and_forgets_every_fault() -> None:
    network = Network(offline=True)
    network.fail_next()
    network.clear()
    assert not network.offline and network.consume("/") is None


def test_a_fault_for_no_request_at_all_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Network().fail_next(times=0)


def test_a_slow_path_holds_every_request_under_it_and_the_longest_prefix_wins() -> None:
    network = Network()
    network.slow("/api/", 0.1)
    network.slow("/api/auth/refresh", 0.5)
    assert [network.latency(p) for p in ("/api/auth/refresh", "/api/chat", "/")] == [0.5, 0.1, 0]
    assert network.latency("/api/auth/refresh") == 0.5  # not used up
    network.clear()
    assert network.latency("/api/chat") == 0
    with pytest.raises(ValueError, match="negative"):
        network.slow("/", -1)
