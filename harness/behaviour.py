"""What a user does over time, as reusable steps for scenarios."""

from __future__ import annotations

from datetime import timedelta

from harness.applicability import NotApplicable
from harness.client import ConnectionProblem, Profile, SignedOut, Tab
from harness.clock import VirtualClock
from harness.target.promise import Promise


async def chat_every(
    tab: Tab, clock: VirtualClock, every: timedelta | float, times: int, *, message: str = "2+2"
) -> list[str | None]:
    """Wait `every`, send `message`; `times` times. Each reply, or None where the message failed.

    A failed message (connection problem, signed out) does not stop the user: the scenario's
    checks judge what the recorder saw, so a regression shows as a failed check, not a crash.
    """
    replies: list[str | None] = []
    for _ in range(times):
        await clock.advance(every)
        try:
            replies.append(await tab.chat(message))
        except (ConnectionProblem, SignedOut):
            replies.append(None)
    return replies


def retryable_grace(user: Profile, promise: Promise) -> timedelta:
    """The grace window of an app that rotates refresh tokens, when a refresh whose answer was
    lost can be retried inside it; otherwise the scenario is not applicable."""
    grace = promise.require("grace_seconds")
    if not promise.policy.rotation:
        raise NotApplicable("needs rotating refresh tokens ([policy] rotation = true)")
    if grace.total_seconds() <= user.policy.retry_delays[0]:
        raise NotApplicable("needs a grace window longer than the client's first retry delay")
    return grace
