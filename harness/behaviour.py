"""What a user does over time, as reusable steps for scenarios."""

from __future__ import annotations

from datetime import timedelta

from harness.clock import VirtualClock
from harness.drivers import ActionFailed, ConnectionProblem, SignedOut, TabDriver


async def chat_every(
    tab: TabDriver,
    clock: VirtualClock,
    every: timedelta | float,
    times: int,
    *,
    message: str = "2+2",
) -> list[str | None]:
    """Wait `every`, send `message`; `times` times. Each reply, or None where the message failed.

    A failed message (connection problem, signed out, an error answer) does not stop the user:
    the scenario's checks judge what the recorder saw, so a regression shows as a failed
    check, not a crash.
    """
    replies: list[str | None] = []
    for _ in range(times):
        await clock.advance(every)
        try:
            replies.append(await tab.chat(message))
        except (ActionFailed, ConnectionProblem, SignedOut):
            replies.append(None)
    return replies
