"""Audit events (login, rotation, reuse_detected, logout, idle_timeout...).

`AuditLog` writes to a collection (the real-MongoDB path). The embedded database uses
`MemoryAuditLog`: a rotation writes one event, and a mongomock insert (a deep copy plus
datetime patching) would cost half an HS256 signature on that hot path.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

from pymongo.collection import Collection

from reference_app.clock import Clock
from reference_app.store import DocumentCodec


class AuditTrail(Protocol):
    def record(
        self, kind: str, *, user: str | None = None, sid: str | None = None, **details: Any
    ) -> None: ...
    def events(
        self, kind: str | None = None, *, sid: str | None = None
    ) -> list[dict[str, Any]]: ...


def _matches(doc: dict[str, Any], kind: str | None, sid: str | None) -> bool:
    return (kind is None or doc["kind"] == kind) and (sid is None or doc["sid"] == sid)


class AuditLog:
    def __init__(
        self, collection: Collection[dict[str, Any]], clock: Clock, codec: DocumentCodec
    ) -> None:
        self._events = collection
        self._clock = clock
        self._codec = codec

    def record(
        self, kind: str, *, user: str | None = None, sid: str | None = None, **details: Any
    ) -> None:
        doc = {"kind": kind, "at": self._clock.now(), "user": user, "sid": sid, **details}
        self._events.insert_one(self._codec.encode(doc))

    def events(self, kind: str | None = None, *, sid: str | None = None) -> list[dict[str, Any]]:
        query = {k: v for k, v in (("kind", kind), ("sid", sid)) if v is not None}
        return [self._codec.decode(doc) for doc in self._events.find(query, {"_id": 0})]


class MemoryAuditLog:
    def __init__(self, clock: Clock, codec: DocumentCodec) -> None:
        self._events: list[dict[str, Any]] = []
        self._clock = clock
        self._codec = codec
        self._lock = threading.Lock()

    def record(
        self, kind: str, *, user: str | None = None, sid: str | None = None, **details: Any
    ) -> None:
        doc = {"kind": kind, "at": self._clock.now(), "user": user, "sid": sid, **details}
        with self._lock:
            self._events.append(self._codec.encode(doc))

    def events(self, kind: str | None = None, *, sid: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            found = [doc for doc in self._events if _matches(doc, kind, sid)]
        return [self._codec.decode(doc) for doc in found]
