"""User activity: extends the idle deadline on every authenticated call, with throttled writes."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from reference_app import regressions
from reference_app.store import Session, SessionStore


class ActivityTracker:
    """Writes `last_activity` at most once per interval per session; keeps newer marks in memory.

    The in-memory mark is what idle checks read between writes, so within one process throttling
    never makes a session look idle earlier than it is. Another process sharing the database, or
    a restart, sees only the stored mark: at most one interval older.
    """

    def __init__(
        self,
        store: SessionStore,
        *,
        write_interval_seconds: int,
        idle_timeout_seconds: int,
        bugs: frozenset[str] = frozenset(),
    ) -> None:
        self._store = store
        self._drop_marks = regressions.ACTIVITY_MARKS_DROPPED in bugs
        self._interval = timedelta(seconds=write_interval_seconds)
        self._idle = timedelta(seconds=idle_timeout_seconds)
        self._pending: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def last_activity(self, session: Session) -> datetime:
        pending = self._pending.get(session.sid)
        if pending is None:
            return session.last_activity
        return max(pending, session.last_activity)

    def idle_deadline(self, session: Session) -> datetime | None:
        return self.deadline_from(self.last_activity(session))

    def deadline_from(self, activity: datetime) -> datetime | None:
        return activity + self._idle if self._idle else None

    def touch(self, session: Session, now: datetime) -> None:
        if now - session.last_activity >= self._interval:
            self._store.touch(session.sid, now)
            with self._lock:
                self._pending.pop(session.sid, None)
            return
        if self._drop_marks:
            return  # pragma: no mutate
        with self._lock:
            previous = self._pending.get(session.sid)
            if previous is None or now > previous:
                self._pending[session.sid] = now
