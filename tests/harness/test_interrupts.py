from __future__ import annotations

import os
import signal

import pytest

from harness.interrupts import SignalGuard, Terminated


def test_sigterm_raises_terminated_once_then_is_ignored_and_handlers_come_back() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with SignalGuard():
        with pytest.raises(Terminated) as caught:
            os.kill(os.getpid(), signal.SIGTERM)
        assert caught.value.signum == signal.SIGTERM and isinstance(caught.value, KeyboardInterrupt)
        os.kill(os.getpid(), signal.SIGINT)  # cleanup after the first signal is not cut short
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_nested_guard_shares_the_outer_one() -> None:
    with SignalGuard():
        outer = signal.getsignal(signal.SIGTERM)
        with SignalGuard():
            assert signal.getsignal(signal.SIGTERM) is outer
        assert signal.getsignal(signal.SIGTERM) is outer
