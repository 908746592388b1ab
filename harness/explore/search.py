"""What one exploration shares across its examples: the app, the budget, the failures seen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from harness._realtime import wall_seconds
from harness.app import AppUnderTest
from harness.client import ClientOptions
from harness.clock import DEFAULT_START
from harness.explore.steps import Step
from harness.explore.world import Logout, World


class BudgetSpent(BaseException):
    """The time budget ran out before a failure: ends the search (Hypothesis lets a
    BaseException through instead of shrinking it as a failure)."""


@dataclass(frozen=True)
class Found:
    """A schedule that logged the user out, and how."""

    steps: tuple[Step, ...]
    logout: Logout
    after_seconds: float  # real time from the search's start to its first failure


@dataclass
class Search:
    """The shared state of one exploration's examples."""

    app: Callable[[], AppUnderTest]  # a fresh app (or the running one) for each example
    options: ClientOptions
    seconds: float
    shrink_seconds: float = 10.0
    started: float = field(default_factory=wall_seconds)
    examples: int = 0
    spent: bool = False  # the budget ran out
    first_failure: float | None = None
    shortest: Found | None = None
    _start: datetime = DEFAULT_START

    def world(self) -> World:
        """The next example's world; the budget spent ends the search unless it is shrinking."""
        found = self.first_failure
        limit = self.seconds if found is None else found + self.shrink_seconds
        if self.elapsed() > limit:
            self.spent = True
            raise BudgetSpent
        self.examples += 1
        return self.replay_world()

    def replay_world(self) -> World:
        """A fresh world, whatever the budget."""
        # A day after the last one's start: an app that lives on sees time move forward.
        self._start += timedelta(days=1)
        return World(self.app(), self.options, self._start)

    def elapsed(self) -> float:
        return wall_seconds() - self.started

    def failed(self, steps: tuple[Step, ...], logout: Logout) -> None:
        if self.first_failure is None:
            self.first_failure = self.elapsed()
        if self.shortest is None or len(steps) <= len(self.shortest.steps):
            self.shortest = Found(steps, logout, self.first_failure)
