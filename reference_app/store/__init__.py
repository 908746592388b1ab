"""The document store: sessions, users, chat messages and audit events."""

from __future__ import annotations

from reference_app.store.database import (
    DatabaseUnavailable,
    check_database,
    is_embedded,
    open_database,
)
from reference_app.store.documents import DocumentCodec, aware_utc
from reference_app.store.round_trips import RoundTrips
from reference_app.store.sessions import (
    MemorySessionStore,
    MongoSessionStore,
    Session,
    SessionStore,
)

__all__ = [
    "DatabaseUnavailable",
    "DocumentCodec",
    "MemorySessionStore",
    "MongoSessionStore",
    "RoundTrips",
    "Session",
    "SessionStore",
    "aware_utc",
    "check_database",
    "is_embedded",
    "open_database",
]
