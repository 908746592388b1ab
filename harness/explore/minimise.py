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
            candidate = _renumbered(steps[:index] + steps[index + 1 :])
            if candidate is None:
                continue
            failed = asyncio.run(_replay(search, candidate))
            if failed is not None:
                steps, logout, shrinking = candidate, failed, True
                break
    return Found(steps, logout, found.after_seconds)


def _renumbered(steps: tuple[Step, ...]) -> tuple[Step, ...] | None:
    """`steps` with tabs numbered in opening order; None when a step acts in no open tab."""
    opened = 0
    for step in steps:
        if isinstance(step, OpenTab):
            if step.number != opened + 1:
                return None
            opened += 1
        elif isinstance(step, Act) and (max(step.tabs) > opened or opened == 0):
            return None
    return steps


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
