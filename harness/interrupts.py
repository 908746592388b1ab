"""Stop a run cleanly on SIGTERM or SIGINT (what a CI runner sends on timeout, and Ctrl-C).

The first signal raises `Terminated` (a KeyboardInterrupt, so pytest stops, tears its
fixtures down and writes the report); later ones are ignored so that cleanup is not cut short.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType, TracebackType
from typing import Any, Self

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Terminated(KeyboardInterrupt):
    """The run was stopped by a signal; `signum` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class _RaiseOnce:
    def __init__(self) -> None:
        self.fired: int | None = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.fired is not None:
            return
        self.fired = signum
        raise Terminated(signum)


class SignalGuard:
    """`with SignalGuard():` SIGINT and SIGTERM raise `Terminated` once; handlers restored after.

    Nested guards share the outer one's handler; outside the main thread it does nothing.
    """

    def __init__(self) -> None:
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        if isinstance(signal.getsignal(signal.SIGTERM), _RaiseOnce):
            return  # an outer guard is active
        handler = _RaiseOnce()
        self._previous = {signum: signal.signal(signum, handler) for signum in SIGNALS}

    def restore(self) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()

    def __enter__(self) -> Self:
        self.install()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.restore()
