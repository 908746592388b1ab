"""The steps of a schedule: what one user's tabs and the world around them do, in order.

Each step says itself in plain words (the printed schedule) and as a line of a pytest
scenario (the written reproduction), so both always describe the same run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from harness.clock import Mode

Fault = Literal["lose", "fail"]


def duration(seconds: float) -> str:
    """A span as people say it: "29 min 1 s", "45 min", "2 h"."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    parts.append(f"{secs} s" if secs or whole == 0 else "")
    return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class OpenTab:
    """A tab opens: the first signs the user in, the others share the session."""

    number: int  # 1 for the first tab

    def words(self) -> str:
        signs_in = " and the user signs in" if self.number == 1 else ""
        return f"tab {self.number} opens{signs_in}"

    def code(self) -> str:
        opened = "user.login()" if self.number == 1 else "user.open_tab()"
        return f"tabs.append(await {opened})"


@dataclass(frozen=True)
class Act:
    """The user acts in the tabs (one, or several at the same instant)."""

    tabs: tuple[int, ...]  # tab numbers, from 1

    def words(self) -> str:
        if len(self.tabs) == 1:
            return f"tab {self.tabs[0]} acts"
        named = " and ".join(f"tab {number}" for number in self.tabs)
        return f"{named} act together"

    def code(self) -> str:
        if len(self.tabs) == 1:
            return f"await act(tabs[{self.tabs[0] - 1}])"
        acts = ", ".join(f"act(tabs[{number - 1}])" for number in self.tabs)
        return f"await asyncio.gather({acts})"


@dataclass(frozen=True)
class Wait:
    """Time passes: timers fire in order (`run_for`), or once on waking (`fast_forward`)."""

    seconds: float
    mode: Mode = "run_for"

    def words(self) -> str:
        if self.mode == "fast_forward":
            return f"the laptop sleeps {duration(self.seconds)}"
        return f"the clock moves {duration(self.seconds)}"

    def code(self) -> str:
        return f'await clock.advance(timedelta(seconds={self.seconds:g}), mode="{self.mode}")'


@dataclass(frozen=True)
class BreakRefresh:
    """The network breaks the next refresh: its answer is lost, or it never connects."""

    fault: Fault

    def words(self) -> str:
        if self.fault == "lose":
            return "the answer to the next refresh is lost"
        return "the next refresh cannot connect"

    def code(self) -> str:
        call = "lose_next_response" if self.fault == "lose" else "fail_next"
        return f"user.network.{call}(REFRESH)"


@dataclass(frozen=True)
class SlowRefresh:
    """Every later refresh waits before it is sent: tabs acting together stay in flight."""

    seconds: float

    def words(self) -> str:
        return f"the refresh path slows down ({self.seconds:g} s a request)"

    def code(self) -> str:
        return f"user.network.slow(REFRESH, {self.seconds:g})"


Step = OpenTab | Act | Wait | BreakRefresh | SlowRefresh
