"""Whether the deadlines an app announces to its client are ones it can keep.

A frontend schedules its idle warning and sign-out by the idle deadline the app announces;
one that is missing or beyond the idle timeout leaves the user signed out without warning.
"""

from __future__ import annotations

from datetime import datetime

TOLERANCE_S = 1.0  # announced times may keep a fraction; deadlines are whole seconds


def idle_announcement_problem(
    announced: datetime | None,
    server_now: datetime,
    idle_timeout_seconds: float | None,
    *,
    after_activity: bool,
) -> str | None:
    """What is wrong with an announced idle deadline (None: nothing).

    With an idle timeout, the deadline lies ahead and at most the timeout away; right after
    activity (a sign-in) it is exactly the timeout away. Without one, any value is the app's.
    """
    if not idle_timeout_seconds:
        return None
    if announced is None:
        return (
            f"announces no idle deadline, though the session ends after "
            f"{idle_timeout_seconds:g} s without activity"
        )
    left = (announced - server_now).total_seconds()
    too_far = left > idle_timeout_seconds + TOLERANCE_S
    if left < -TOLERANCE_S or too_far:
        return (
            f"announces an idle deadline {left:+.0f} s away ({announced.isoformat()}), "
            f"outside the {idle_timeout_seconds:g} s idle timeout"
        )
    if after_activity and abs(left - idle_timeout_seconds) > TOLERANCE_S:
        return (
            f"announces an idle deadline {left:.0f} s after a sign-in, not the "
            f"{idle_timeout_seconds:g} s idle timeout"
        )
    return None
