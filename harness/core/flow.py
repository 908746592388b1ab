"""One run of a tab machine's steps (a request, a refresh, a timer), driven action by action."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Generic, TypeVar

from harness.core.actions import Action, Reply

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
Steps = Generator[Action, Reply | None, T]


@dataclass(frozen=True)
class Finished(Generic[T_co]):
    value: T_co


class Flow(Generic[T]):
    """The steps as a driver sees them: `start()`, then `send(reply)` after each action.

    An action that `awaits` takes the reply it asks for; any other takes None.
    """

    def __init__(self, steps: Steps[T]) -> None:
        self._steps = steps
        self.finished = False

    def start(self) -> Action | Finished[T]:
        return self._advance(None)

    def send(self, reply: Reply | None) -> Action | Finished[T]:
        return self._advance(reply)

    def _advance(self, reply: Reply | None) -> Action | Finished[T]:
        try:
            return self._steps.send(reply)
        except StopIteration as stop:
            self.finished = True
            return Finished(stop.value)
