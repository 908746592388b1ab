"""After Hypothesis: drop steps one at a time while the schedule still logs the user out.

Hypothesis shrinks rule choices, but a step that later steps' tab numbers depend on
(a tab opening) rarely goes; replaying the plain schedule without it often still fails.
"""

from __future__ import annotations

import asyncio

from harness.explore.search import Found, Search
from harness.explore.steps import Act, OpenTab, Step
from harness.explore.world import Logout


def minimise(search: Search, found: Found) -> Found:
    """The shortest schedule reached by removing single steps from `found`'s."""
    steps = found.steps
    logout = found.logout
    shrinking = True
    while shrinking:
        shrinking = False
        for index in range(len(steps)):
            candidate = without(steps, index)
            if candidate is None:
                continue
            failed = asyncio.run(_replay(search, candidate))
            if failed is not None:
                steps, logout, shrinking = candidate, failed, True
                break
    return Found(steps, logout, found.after_seconds)


def without(steps: tuple[Step, ...], index: int) -> tuple[Step, ...] | None:
    """`steps` without the one at `index`, later tabs renumbered when it opened a tab;
    None when a later step acts in that tab."""
    removed = steps[index]
    rest = steps[:index] + steps[index + 1 :]
    if not isinstance(removed, OpenTab):
        return rest
    gone = removed.number
    renumbered: list[Step] = []
    for step in rest:
        if isinstance(step, OpenTab) and step.number > gone:
            step = OpenTab(step.number - 1)
        elif isinstance(step, Act):
            if gone in step.tabs:
                return None
            step = Act(tuple(n - 1 if n > gone else n for n in step.tabs))
        renumbered.append(step)
    return tuple(renumbered)


async def _replay(search: Search, steps: tuple[Step, ...]) -> Logout | None:
    world = search.replay_world()
    await world.open()
    try:
        for step in steps:
            if not world.tabs and not isinstance(step, OpenTab):
                continue
            await world.apply(step)
            if (logout := world.logout()) is not None:
                return logout
        return None
    finally:
        await world.close()
