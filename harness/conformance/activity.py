"""A user who keeps working while the app's time moves on: the long-session checks' driver."""

from __future__ import annotations

from dataclasses import dataclass

from harness.clock import VirtualClock
from harness.conformance.replies import ok
from harness.conformance.session import Call, RawSession
from harness.target import Reply


@dataclass(frozen=True)
class Ended:
    """Where an active session was refused: seconds after the start, by which request."""

    after_s: float
    request: str
    reply: Reply

    def __str__(self) -> str:
        return f"{self.request} refused with {self.reply.status} after {self.after_s:,.0f} s"


async def stay_active(
    session: RawSession,
    clock: VirtualClock,
    seconds: float,
    *,
    step: float,
    activity: Call | None,
    start_s: float = 0.0,
) -> Ended | None:
    """Every `step` seconds for `seconds`: refresh, then the activity request (if any).

    Returns None when every request was served, else where the session ended. `start_s`
    only offsets the times written in the evidence and in `Ended`.
    """
    elapsed = 0.0
    while elapsed < seconds:
        move = min(step, seconds - elapsed)
        await clock.advance(move)
        elapsed += move
        at = start_s + elapsed
        reply = await session.refresh(label=f"refresh, active, {at:,.0f} s in")
        if not ok(reply):
            return Ended(at, "refresh", reply)
        if activity is not None:
            reply = await session.call(activity, label=f"{activity}, active, {at:,.0f} s in")
            if not ok(reply):
                return Ended(at, activity, reply)
    return None


def active_step(*limits: float | None) -> float:
    """A step safely inside every limit given (idle timeout, refresh TTL...): 90% of the least."""
    known = [limit for limit in limits if limit]
    if not known:
        raise ValueError("active_step needs at least one limit")
    return 0.9 * min(known)
