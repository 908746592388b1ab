"""What a user does over time, as reusable steps for scenarios."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from harness.applicability import NotApplicable
from harness.clock import Mode, VirtualClock
from harness.drivers import (
    ActionFailed,
    ConnectionProblem,
    ProfileDriver,
    SignedOut,
    TabDriver,
)
from harness.target.promise import Promise


@dataclass(frozen=True)
class Pace:
    """How a scenario lets time pass with a driver (the `pace` fixture).

    Simulated tabs cost about a millisecond per action and per clock step, so users act
    every minute and every timer fires in order. In Chromium an action costs ~0.1 s of real
    time and an hour of `run_for` ~6 s (the page clock moves in 10 s slices, each waiting
    for the network): users act every five minutes, and a long stretch where the scenario
    needs no timer in order passes as a sleeping laptop's (`fast_forward`: each due timer
    fires once, on waking).

    `precision`: how far an event may sit from the instant it describes. Simulated tabs
    share the app's instant; a page's clock runs in 10 s slices and flows in real time
    while the page works (each of its requests brings the app's clock to the page's time).
    """

    action_every: timedelta
    gaps: Mode  # how a long quiet stretch passes
    precision: timedelta


async def chat_every(
    tab: TabDriver,
    clock: VirtualClock,
    every: timedelta | float,
    times: int,
    *,
    message: str = "2+2",
    mode: Mode = "run_for",
) -> list[str | None]:
    """Wait `every`, send `message`; `times` times. Each reply, or None where the message failed.

    A failed message (connection problem, signed out, an error answer) does not stop the user:
    the scenario's checks judge what the recorder saw, so a regression shows as a failed
    check, not a crash.
    """
    replies: list[str | None] = []
    for _ in range(times):
        await clock.advance(every, mode=mode)
        try:
            replies.append(await tab.chat(message))
        except (ActionFailed, ConnectionProblem, SignedOut):
            replies.append(None)
    return replies


async def work_past_expiries(
    tab: TabDriver, clock: VirtualClock, promise: Promise, pace: Pace, lifetimes: int = 2
) -> None:
    """Act halfway through each access token's life and a second past its end, `lifetimes`
    times: every reply must come (a refresh the client had to make or retry included)."""
    half = promise.access_ttl / 2
    for _ in range(lifetimes):
        await clock.advance(half, mode=pace.gaps)
        assert await tab.chat("2+2"), f"{tab.name}: no reply halfway through a token's life"
        await clock.advance(half + timedelta(seconds=1), mode=pace.gaps)
        assert await tab.chat("3+3"), f"{tab.name}: no reply past a token's expiry"


def retryable_grace(user: ProfileDriver, promise: Promise) -> timedelta:
    """The grace window of an app that rotates refresh tokens, when a refresh whose answer was
    lost can be retried inside it; otherwise the scenario is not applicable."""
    grace = promise.require("grace_seconds")
    if not promise.policy.rotation:
        raise NotApplicable("needs rotating refresh tokens ([policy] rotation = true)")
    if grace.total_seconds() <= user.policy.retry_delays[0]:
        raise NotApplicable("needs a grace window longer than the client's first retry delay")
    return grace


async def work_through(
    tab: TabDriver,
    clock: VirtualClock,
    pace: Pace,
    *,
    span: timedelta,
    watch: tuple[timedelta, timedelta],
    every: timedelta | None = None,
    message: str = "2+2",
) -> None:
    """An action every `every` (the driver's pace by default) for `span`; each step
    overlapping `watch` (from, to: offsets from now) runs every timer in order, the others
    pass at the driver's pace.

    For a scenario that times one moment (a refresh, a warning) inside long activity.
    """
    start, every = clock.now(), every or pace.action_every
    for _ in range(round(span / every)):
        elapsed = clock.now() - start
        watched = elapsed + every > watch[0] and elapsed < watch[1]
        await clock.advance(every, mode="run_for" if watched else pace.gaps)
        assert await tab.chat(message), f"{tab.name}: no reply to {message!r}"
