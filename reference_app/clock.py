"""The app's single source of time: real UTC (which freezegun moves) plus a test offset."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

# Far enough for any scenario, near enough that `now() + session_max` stays a valid datetime.
MAX_OFFSET = timedelta(days=100 * 366)


class Clock:
    """`now()` is aware UTC. The offset moves time for out-of-process runs (test clock API)."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    @property
    def offset_seconds(self) -> float:
        return self._offset.total_seconds()

    def advance(self, seconds: float) -> datetime:
        """Moves time by `seconds`; ValueError if that puts it over MAX_OFFSET from real time."""
        with self._lock:
            self._offset = _checked(self._offset + timedelta(seconds=seconds))
        return self.now()

    def set(self, moment: datetime) -> datetime:
        """Jump to `moment` (aware, within MAX_OFFSET of real time); the past is allowed."""
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        with self._lock:
            self._offset = _checked(moment - datetime.now(UTC))
        return self.now()


def _checked(offset: timedelta) -> timedelta:
    if abs(offset) > MAX_OFFSET:
        raise ValueError(f"the clock may move at most {MAX_OFFSET.days} days from real time")
    return offset
