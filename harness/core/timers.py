"""A tab's timers: the proactive-refresh tick, idle warning and logout, absolute warning and end."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal, Protocol

from harness.core.shared import ProfileState
from harness.core.tokens import AccessToken

TimerName = Literal["tick", "idle_warning", "idle_logout", "absolute_warning", "absolute_end"]
WarningKind = Literal["idle", "absolute"]


class TokenHolder(Protocol):
    @property
    def token(self) -> AccessToken | None: ...


class TabTimers:
    """When each of a tab's timers is due, in virtual time, and which of them already fired.

    Called on every clock step, so it stays lean: a handful of datetime operations.
    """

    def __init__(self, state: ProfileState, holder: TokenHolder, *, ticks: bool = True) -> None:
        self._state = state
        self._ticks = ticks  # False: the driver's own timer ticks (a browser's, in real time)
        self._holder = holder
        self._next_tick: datetime | None = None
        self._idle_warned_for: datetime | None = None  # the last-activity time it warned about
        self._absolute_warned = False

    @property
    def _tick_interval(self) -> timedelta:
        return timedelta(seconds=self._state.policy.tick_seconds)

    def reset(self, now: datetime) -> None:
        self._next_tick = now + self._tick_interval
        self._idle_warned_for = None
        self._absolute_warned = False

    def schedule(self) -> list[tuple[datetime, TimerName]]:
        """Every pending timer as (virtual due time, name)."""
        state = self._state
        timers: list[tuple[datetime, TimerName]] = []
        if self._ticks and state.policy.proactive_refresh and self._next_tick is not None:
            timers.append((self._next_tick, "tick"))
        warns = not state.policy.has("no_expiry_warning")  # an injected client bug
        lead = timedelta(seconds=state.policy.warning_lead_seconds if warns else 0)
        idle_end = self._idle_end()
        if idle_end is not None:
            if lead and self._idle_warned_for != state.last_activity:
                timers.append((idle_end - lead, "idle_warning"))
            timers.append((idle_end, "idle_logout"))
        token = self._holder.token
        if token is not None and token.local_session_expires_at is not None:
            # The session end is known on the client's clock; timers run on virtual time.
            end = token.local_session_expires_at - state.skew
            if lead and not self._absolute_warned:
                timers.append((end - lead, "absolute_warning"))
            timers.append((end, "absolute_end"))
        return timers

    def next_due(self) -> datetime | None:
        timers = self.schedule()
        return min(timers)[0] if timers else None

    def fire_due(self, now: datetime) -> list[TimerName]:
        """Mark the timers due at `now` as fired (each at most once) and return their names."""
        due = sorted(t for t in self.schedule() if t[0] <= now)
        for _, name in due:
            if name == "tick" and self._next_tick is not None:
                interval = self._tick_interval
                self._next_tick += interval * ((now - self._next_tick) // interval + 1)
            elif name == "idle_warning":
                self._idle_warned_for = self._state.last_activity
            elif name == "absolute_warning":
                self._absolute_warned = True
        return [name for _, name in due]

    def warning(self) -> WarningKind | None:
        if self._absolute_warned:
            return "absolute"
        last = self._state.last_activity
        if self._idle_warned_for is not None and self._idle_warned_for == last:
            return "idle"
        return None

    def dismiss_idle_warning(self) -> bool:
        """After new activity: drop an idle warning about an older idle period."""
        warned = self._idle_warned_for
        if warned is None or warned == self._state.last_activity:
            return False
        self._idle_warned_for = None
        return True

    def seconds_left(self, kind: WarningKind, now: datetime) -> float:
        """Time left before the end a warning of `kind` announces (`now`: virtual time)."""
        if kind == "idle":
            idle_end = self._idle_end()
            return (idle_end - now).total_seconds() if idle_end else 0.0
        token = self._holder.token
        if token is None or token.local_session_expires_at is None:
            return 0.0
        return (token.local_session_expires_at - (now + self._state.skew)).total_seconds()

    def _idle_end(self) -> datetime | None:
        idle, last = self._state.idle_timeout, self._state.last_activity
        if idle is None or last is None:
            return None
        return last + idle
