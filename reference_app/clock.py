"""The app's single source of time: real UTC (which freezegun moves) plus a test offset."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


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
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()

    def set(self, moment: datetime) -> datetime:
        """Jump to `moment` (aware); earlier than the current time is allowed."""
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        with self._lock:
            self._offset = moment - datetime.now(UTC)
        return self.now()
