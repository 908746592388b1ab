"""A session store whose every call takes a network round trip (`REFAPP_STORE_LATENCY_MS`).

The embedded store answers instantly, so requests that run at once hardly interleave; a
networked database gives every read and write a round trip in which other requests run.
Concurrency scenarios put that gap back to see what production sees.
"""

from __future__ import annotations

import time
from datetime import datetime

from reference_app.store.sessions import Session, SessionStore


class RoundTrips:
    """Wraps a SessionStore; sleeps `seconds` (releasing the GIL) before each call."""

    def __init__(self, store: SessionStore, seconds: float) -> None:
        self._store = store
        self._seconds = seconds

    def _trip(self) -> None:
        time.sleep(self._seconds)

    def get(self, sid: str) -> Session | None:
        self._trip()
        return self._store.get(sid)

    def insert(self, session: Session) -> None:
        self._trip()
        self._store.insert(session)

    def replace_if_generation(self, generation: int, new: Session) -> bool:
        self._trip()
        return self._store.replace_if_generation(generation, new)

    def touch(self, sid: str, last_activity: datetime) -> None:
        self._trip()
        self._store.touch(sid, last_activity)

    def revoke(self, sid: str, reason: str, at: datetime) -> bool:
        self._trip()
        return self._store.revoke(sid, reason, at)

    def active_sids_of(self, user: str) -> list[str]:
        self._trip()
        return self._store.active_sids_of(user)

    def count(self) -> int:
        return self._store.count()
