from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta

import mongomock
import pytest

from reference_app.store import (
    DocumentCodec,
    MemorySessionStore,
    MongoSessionStore,
    Session,
    SessionStore,
)
from reference_app.store.documents import aware_utc

T0 = datetime(2026, 1, 10, 9, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture(params=["memory", "mongo"])
def store(request: pytest.FixtureRequest) -> Iterator[SessionStore]:
    codec = DocumentCodec()
    if request.param == "memory":
        yield MemorySessionStore(codec)
    else:
        yield MongoSessionStore(mongomock.MongoClient().db.sessions, codec)


def _session(sid: str = "a" * 32, user: str = "alice@example.com") -> Session:
    return Session(
        sid=sid,
        user=user,
        generation=0,
        current_hash="h0",
        previous_hash=None,
        created_at=T0,
        rotated_at=None,
        last_activity=T0,
        refresh_expires_at=T0 + timedelta(days=7),
        session_expires_at=T0 + timedelta(days=30),
    )


def test_store_reads_back_aware_utc_at_millisecond_precision(store: SessionStore) -> None:
    store.insert(_session())
    loaded = store.get("a" * 32)
    assert loaded is not None
    assert loaded.created_at == T0.replace(microsecond=123000)
    assert loaded.created_at.tzinfo is not None


def test_conditional_replace_succeeds_once_per_generation(store: SessionStore) -> None:
    store.insert(_session())
    rotated = replace(_session(), generation=1, current_hash="h1", previous_hash="h0")
    assert store.replace_if_generation(0, rotated) is True
    assert store.replace_if_generation(0, replace(rotated, current_hash="other")) is False
    loaded = store.get("a" * 32)
    assert loaded is not None and loaded.current_hash == "h1"


def test_revoked_family_cannot_rotate_or_be_revoked_twice(store: SessionStore) -> None:
    store.insert(_session())
    assert store.revoke("a" * 32, "logout", T0) is True
    assert store.revoke("a" * 32, "logout", T0) is False
    assert store.replace_if_generation(0, replace(_session(), generation=1)) is False


def test_active_sids_of_user_skip_revoked(store: SessionStore) -> None:
    store.insert(_session("a" * 32))
    store.insert(_session("b" * 32))
    store.insert(_session("c" * 32, user="bob@example.com"))
    store.revoke("b" * 32, "logout", T0)
    assert store.active_sids_of("alice@example.com") == ["a" * 32]


def test_touch_never_moves_activity_backwards(store: SessionStore) -> None:
    store.insert(_session())
    store.touch("a" * 32, T0 + timedelta(minutes=5))
    store.touch("a" * 32, T0 + timedelta(minutes=1))
    loaded = store.get("a" * 32)
    assert loaded is not None and loaded.last_activity == (T0 + timedelta(minutes=5)).replace(
        microsecond=123000
    )


def test_every_stored_datetime_reads_back_aware_utc(store: SessionStore) -> None:
    store.insert(_session())
    rotated = replace(_session(), generation=1, rotated_at=T0 + timedelta(seconds=5))
    store.replace_if_generation(0, rotated)
    store.touch("a" * 32, T0 + timedelta(minutes=1))
    store.revoke("a" * 32, "logout", T0 + timedelta(minutes=2))
    loaded = store.get("a" * 32)
    assert loaded is not None
    stamps = {f.name: getattr(loaded, f.name) for f in fields(loaded)}
    moments = {name: value for name, value in stamps.items() if isinstance(value, datetime)}
    assert set(moments) == {
        "created_at",
        "rotated_at",
        "last_activity",
        "refresh_expires_at",
        "session_expires_at",
        "revoked_at",
    }
    assert all(value.utcoffset() == timedelta(0) for value in moments.values()), moments


def test_naive_codec_hands_back_naive_datetimes() -> None:
    naive = DocumentCodec(naive=True)
    assert naive.decode({"at": T0})["at"].tzinfo is None
    assert aware_utc(T0.replace(tzinfo=None)) == T0
