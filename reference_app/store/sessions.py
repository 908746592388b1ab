"""Session families (one document per refresh-token family) and their two backends.

`MongoSessionStore` is the honest path: every read and write goes to the collection, and
rotation is a conditional update on the generation, so it holds across processes.
`MemorySessionStore` serves the embedded `mongomock://` database: mongomock scans every
document on every query (11 ms per `_id` lookup at 10,000 documents), so sessions live in a
dict with the same conditional semantics and the same datetime codec instead.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from pymongo.collection import Collection

from reference_app.store.documents import DocumentCodec, aware_utc, to_stored


@dataclass(frozen=True)
class Session:
    sid: str
    user: str
    generation: int
    current_hash: str
    previous_hash: str | None
    created_at: datetime
    rotated_at: datetime | None
    last_activity: datetime
    refresh_expires_at: datetime
    session_expires_at: datetime
    revoked: bool = False
    revoked_reason: str | None = None
    revoked_at: datetime | None = None

    def to_document(self) -> dict[str, Any]:
        # Shallow on purpose: every field is immutable, and asdict() deep-copies.
        doc = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}
        doc["_id"] = doc.pop("sid")
        return doc

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Session:
        fields = {k: v for k, v in doc.items() if k != "_id"}
        return cls(sid=doc["_id"], **fields)


class SessionStore(Protocol):
    def get(self, sid: str) -> Session | None: ...
    def insert(self, session: Session) -> None: ...
    def replace_if_generation(self, generation: int, new: Session) -> bool:
        """Write `new` only if the stored family is unrevoked and still at `generation`."""
        ...

    def touch(self, sid: str, last_activity: datetime) -> None: ...
    def revoke(self, sid: str, reason: str, at: datetime) -> bool:
        """True when this call revoked the family (False: already revoked or unknown)."""
        ...

    def active_sids_of(self, user: str) -> list[str]: ...
    def count(self) -> int: ...


_TIME_FIELDS = tuple(f.name for f in dataclasses.fields(Session) if "datetime" in str(f.type))


def _revocation(reason: str, at: datetime) -> dict[str, Any]:
    return {"revoked": True, "revoked_reason": reason, "revoked_at": at}


class MongoSessionStore:
    def __init__(self, collection: Collection[dict[str, Any]], codec: DocumentCodec) -> None:
        self._sessions = collection
        self._codec = codec
        collection.create_index("user")

    def get(self, sid: str) -> Session | None:
        doc = self._sessions.find_one({"_id": sid})
        return None if doc is None else Session.from_document(self._codec.decode(doc))

    def insert(self, session: Session) -> None:
        self._sessions.insert_one(self._codec.encode(session.to_document()))

    def replace_if_generation(self, generation: int, new: Session) -> bool:
        doc = self._codec.encode(new.to_document())
        sid = doc.pop("_id")
        match = {"_id": sid, "generation": generation, "revoked": False}
        return self._sessions.update_one(match, {"$set": doc}).modified_count == 1

    def touch(self, sid: str, last_activity: datetime) -> None:
        update = self._codec.encode({"last_activity": last_activity})
        self._sessions.update_one({"_id": sid}, {"$max": update})

    def revoke(self, sid: str, reason: str, at: datetime) -> bool:
        update = self._codec.encode(_revocation(reason, at))
        result = self._sessions.update_one({"_id": sid, "revoked": False}, {"$set": update})
        return result.modified_count == 1

    def active_sids_of(self, user: str) -> list[str]:
        return [d["_id"] for d in self._sessions.find({"user": user, "revoked": False}, {"_id": 1})]

    def count(self) -> int:
        return self._sessions.count_documents({})


class MemorySessionStore:
    """Keeps frozen `Session` objects, normalised once on write (reads are the hot path)."""

    def __init__(self, codec: DocumentCodec) -> None:
        self._sessions: dict[str, Session] = {}
        self._by_user: dict[str, set[str]] = {}
        self._codec = codec
        self._lock = threading.Lock()

    def _stored(self, session: Session) -> Session:
        # Aware UTC at millisecond precision: what the document round trip would give back.
        # Field by field, and only where needed (a rotation's times already are): a write
        # is on the refresh path.
        times: dict[str, Any] = {}
        for name in _TIME_FIELDS:
            value = getattr(session, name)
            if value is not None and (value.tzinfo is not UTC or value.microsecond % 1000):
                times[name] = self._stored_time(value)
        return dataclasses.replace(session, **times) if times else session

    def get(self, sid: str) -> Session | None:
        session = self._sessions.get(sid)
        if session is None or not self._codec.naive:
            return session
        return Session.from_document(self._codec.decode(session.to_document()))

    def insert(self, session: Session) -> None:
        with self._lock:
            if session.sid in self._sessions:
                raise KeyError(f"duplicate session {session.sid}")
            self._sessions[session.sid] = self._stored(session)
            self._by_user.setdefault(session.user, set()).add(session.sid)

    def replace_if_generation(self, generation: int, new: Session) -> bool:
        with self._lock:
            stored = self._sessions.get(new.sid)
            if stored is None or stored.revoked or stored.generation != generation:
                return False
            self._sessions[new.sid] = self._stored(new)
            return True

    def touch(self, sid: str, last_activity: datetime) -> None:
        with self._lock:
            stored = self._sessions.get(sid)
            moment = self._stored_time(last_activity)
            if stored is not None and moment > stored.last_activity:
                self._sessions[sid] = dataclasses.replace(stored, last_activity=moment)

    def revoke(self, sid: str, reason: str, at: datetime) -> bool:
        with self._lock:
            stored = self._sessions.get(sid)
            if stored is None or stored.revoked:
                return False
            self._sessions[sid] = dataclasses.replace(
                stored, revoked=True, revoked_reason=reason, revoked_at=self._stored_time(at)
            )
            return True

    def _stored_time(self, moment: datetime) -> datetime:
        return aware_utc(to_stored(moment))

    def active_sids_of(self, user: str) -> list[str]:
        sids = self._by_user.get(user, set())
        return [sid for sid in list(sids) if not self._sessions[sid].revoked]

    def count(self) -> int:
        return len(self._sessions)
