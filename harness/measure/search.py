"""Where a yes turns into a no: the first refused delay, found by probing and bisection.

Every probe costs a fresh sign-in and a move of the app's clock, so the search starts where
the app says its deadline is (a token's `exp`, the profile's promise): when that is right,
two probes settle it; when it is wrong, it gallops and bisects as any search would.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Works = Callable[[int], Awaitable[bool]]


@dataclass(frozen=True)
class Bracket:
    """The last delay that worked and the first that did not (None: none did, up to `ceiling`)."""

    worked: int
    refused: int | None
    probes: int

    @property
    def exact(self) -> bool:
        return self.refused is not None and self.refused - self.worked <= 1

    def __str__(self) -> str:
        if self.refused is None:
            return f"still served after {self.worked:,} s"
        return f"served at {self.worked:,} s, refused at {self.refused:,} s"


async def first_refused(works: Works, *, guess: float, ceiling: int, floor: int = 0) -> Bracket:
    """The boundary of `works` in whole seconds, assuming it holds at `floor` and, once false,
    stays false for longer delays (a deadline). `guess` is where the deadline probably is."""
    counted = _Counted(works)
    at = min(max(floor + 1, math.ceil(guess)), ceiling)
    lo, hi = floor, None
    # The guess is a deadline: served just before it, refused at it.
    if at - 1 > floor:
        if await counted(at - 1):
            lo = at - 1
        else:
            hi = at - 1
    if hi is None:
        lo, hi = await _gallop(counted, lo, at, ceiling)
    while hi is not None and hi - lo > 1:
        mid = (lo + hi) // 2
        if await counted(mid):
            lo = mid
        else:
            hi = mid
    return Bracket(lo, hi, counted.probes)


async def _gallop(works: Works, lo: int, at: int, ceiling: int) -> tuple[int, int | None]:
    """From `at` on, doubling until refused or past `ceiling`: (last served, first refused)."""
    while True:
        if not await works(at):
            return lo, at
        lo = at
        if at >= ceiling:
            return lo, None
        at = min(ceiling, 2 * at)


class _Counted:
    def __init__(self, works: Works) -> None:
        self.works = works
        self.probes = 0

    async def __call__(self, delay: int) -> bool:
        self.probes += 1
        return await self.works(delay)
