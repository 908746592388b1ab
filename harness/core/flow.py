"""One run of a tab machine's steps (a request, a refresh, a timer), driven action by action."""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from harness.core.actions import (
    AcquireLock,
    Action,
    Heartbeat,
    Land,
    ReleaseLock,
    Reply,
    TakeOff,
)

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
Steps = Generator[Action, Reply | None, T]
Holding = Literal["flight", "lock", "heartbeat"]


@dataclass(frozen=True)
class Finished(Generic[T_co]):
    value: T_co


class Flow(Generic[T]):
    """The steps as a driver sees them: `start()`, then `send(reply)` after each action.

    An action that `awaits` takes the reply it asks for; any other takes None. A driver
    that stops midway (an exception) calls `abandon()` and performs what it returns.
    """

    def __init__(
        self, steps: Steps[T], let_go: Callable[[frozenset[Holding]], list[Action]]
    ) -> None:
        self._steps = steps
        self._let_go = let_go
        self._holding: set[Holding] = set()
        self.finished = False

    def start(self) -> Action | Finished[T]:
        return self._advance(None)

    def send(self, reply: Reply | None) -> Action | Finished[T]:
        return self._advance(reply)

    def abandon(self) -> list[Action]:
        """Let go of the flight, lock and heartbeat this flow holds (none once finished)."""
        self._steps.close()
        holding, self._holding = frozenset(self._holding), set()
        return self._let_go(holding) if holding else []

    def _advance(self, reply: Reply | None) -> Action | Finished[T]:
        self._holding.discard("heartbeat")  # its reply is the heartbeat being over
        try:
            action = self._steps.send(reply)
        except StopIteration as stop:
            self.finished = True
            return Finished(stop.value)
        if isinstance(action, TakeOff | Land):
            self._hold("flight", isinstance(action, TakeOff))
        elif isinstance(action, AcquireLock | ReleaseLock):
            self._hold("lock", isinstance(action, AcquireLock))
        elif isinstance(action, Heartbeat):
            self._holding.add("heartbeat")
        return action

    def _hold(self, what: Holding, held: bool) -> None:
        if held:
            self._holding.add(what)
        else:
            self._holding.discard(what)
