"""The schedule search as a Hypothesis state machine: each rule is a step of user or world."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, ClassVar, TypeVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from harness.explore.search import Search
from harness.explore.steps import Act, BreakRefresh, OpenTab, SlowRefresh, Step, Wait

MAX_TABS = 4
SLOW_SECONDS = 0.05  # real seconds: enough for tabs' refreshes to be in flight together
SPANS = ("a minute", "past the refresh threshold", "past the token's expiry", "a laptop sleep")
T = TypeVar("T")


class LogoutFound(AssertionError):
    """The user was sent to login against the promise (Hypothesis shrinks the schedule)."""


def _has_tab(machine: ScheduleMachine) -> bool:
    return bool(machine.world.tabs)


def _has_two_tabs(machine: ScheduleMachine) -> bool:
    return len(machine.world.tabs) >= 2


class ScheduleMachine(RuleBasedStateMachine):
    """One example: a fresh world, then steps until Hypothesis stops or the promise breaks."""

    search: ClassVar[Search]  # set on a subclass per exploration (`machine_for`)

    def __init__(self) -> None:
        super().__init__()
        self.world = self.search.world()
        self.steps: list[Step] = []
        self.slowed = False
        # One broken refresh per schedule: the grace window covers one lost answer, while
        # a run of them outlasts it, and reuse detection then rightly ends the session.
        self.broken = False
        self.loop = asyncio.new_event_loop()
        self._run(self.world.open())

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(work)

    def _do(self, step: Step) -> None:
        self.steps.append(step)
        self._run(self.world.apply(step))

    def _tab(self, pick: int) -> int:
        return pick % len(self.world.tabs) + 1

    @precondition(lambda self: len(self.world.tabs) < MAX_TABS)
    @rule()
    def open_tab(self) -> None:
        self._do(OpenTab(len(self.world.tabs) + 1))

    @precondition(_has_tab)
    @rule(pick=st.integers(0, MAX_TABS - 1))
    def act(self, pick: int) -> None:
        self._do(Act((self._tab(pick),)))

    @precondition(_has_two_tabs)
    @rule(pick=st.integers(0, MAX_TABS - 1), other=st.integers(0, MAX_TABS - 2))
    def act_together(self, pick: int, other: int) -> None:
        count = len(self.world.tabs)
        first = pick % count
        second = (first + 1 + other % (count - 1)) % count
        self._do(Act((first + 1, second + 1)))

    @rule(span=st.sampled_from(SPANS))
    def let_time_pass(self, span: str) -> None:
        self._do(self._wait(span))

    @precondition(lambda self: _has_tab(self) and not self.broken)
    @rule()
    def fail_next_refresh(self) -> None:
        self.broken = True
        self._do(BreakRefresh("fail"))

    # An app without a grace window (or with one shorter than the client's first retry)
    # promises to end the session when a rotated token's answer is lost.
    @precondition(
        lambda self: _has_tab(self) and not self.broken and self.world.survives_a_lost_answer
    )
    @rule()
    def lose_next_refresh_answer(self) -> None:
        self.broken = True
        self._do(BreakRefresh("lose"))

    @precondition(lambda self: _has_tab(self) and not self.slowed)
    @rule()
    def slow_refresh(self) -> None:
        self.slowed = True
        self._do(SlowRefresh(SLOW_SECONDS))

    @invariant()
    def never_sent_to_login_while_active(self) -> None:
        logout = self.world.logout()
        if logout is not None:
            self.search.failed(tuple(self.steps), logout)
            raise LogoutFound(logout.words())

    def _wait(self, span: str) -> Wait:
        ttl = self.world.promise.access_ttl.total_seconds()
        if span == "a minute":
            return Wait(60)
        if span == "past the refresh threshold":
            return Wait(ttl - self.world.user.policy.threshold_for(ttl) + 1)
        if span == "past the token's expiry":
            return Wait(ttl + 1)
        return Wait(1.5 * ttl, mode="fast_forward")

    def teardown(self) -> None:
        try:
            self._run(self.world.close())
        finally:
            self.loop.close()


def machine_for(search: Search) -> type[ScheduleMachine]:
    """The state machine of one exploration (its examples share `search`)."""
    return type("Explore", (ScheduleMachine,), {"search": search})
