from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import mongomock

from reference_app.audit import AuditLog
from reference_app.clock import Clock
from reference_app.errors import ApiError
from reference_app.services import Services
from reference_app.sessions import SessionService
from reference_app.store import DocumentCodec, MongoSessionStore, Session, SessionStore
from reference_app.tokens import TokenIssuer, token_hash
from reference_app.users import User
from tests.reference_app.conftest import Api, make_settings

THREADS = 8


def _race(refreshers: list[Callable[[str], object]], token: str) -> list[object]:
    """Every refresher presents `token` at the same instant (a barrier), each in its own thread."""
    barrier = threading.Barrier(len(refreshers))
    results: list[object] = [None] * len(refreshers)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = refreshers[index](token)
        except ApiError as exc:
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(refreshers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return results


def _services(api: Api) -> Services:
    services: Services = api.app.state.services
    return services


def test_concurrent_refreshes_of_one_token_rotate_exactly_once(api: Api) -> None:
    services = _services(api)
    for _ in range(5):
        grant = services.sessions.start(User("alice@example.com", "Alice"))
        results = _race([services.sessions.refresh] * THREADS, grant.refresh_token)
        children = {r.refresh_token for r in results}  # type: ignore[attr-defined]
        assert len(children) == 1, results
        stored = services.sessions.store.get(grant.session.sid)
        assert stored is not None and stored.generation == 1 and not stored.revoked
        rotations = services.audit.events("rotation", sid=grant.session.sid)
        assert len(rotations) == 1


def _mongo_service(store: SessionStore, clock: Clock, audit: AuditLog) -> SessionService:
    settings = make_settings()
    tokens = TokenIssuer("k" * 40, settings.access_ttl_seconds)
    return SessionService(settings=settings, clock=clock, store=store, tokens=tokens, audit=audit)


def test_two_processes_sharing_mongo_rotate_exactly_once() -> None:
    """Two services with separate locks over one collection: only the conditional update decides."""
    database = mongomock.MongoClient().db
    codec = DocumentCodec()
    clock = Clock()
    audit = AuditLog(database.audit, clock, codec)
    one = _mongo_service(MongoSessionStore(database.sessions, codec), clock, audit)
    two = _mongo_service(MongoSessionStore(database.sessions, codec), clock, audit)
    for _ in range(5):
        grant = one.start(User("alice@example.com", "Alice"))
        results = _race([one.refresh, two.refresh] * (THREADS // 2), grant.refresh_token)
        assert all(not isinstance(r, Exception) for r in results), results
        assert len({r.refresh_token for r in results}) == 1  # type: ignore[attr-defined]
        stored = one.store.get(grant.session.sid)
        assert stored is not None and stored.generation == 1
        assert len(audit.events("rotation", sid=grant.session.sid)) == 1


class _StaleOnce(MongoSessionStore):
    """The first read returns the family as it was, then `rival` rotates it before we write."""

    def __init__(self, collection: Any, codec: DocumentCodec) -> None:
        super().__init__(collection, codec)
        self.rival: Callable[[], object] | None = None

    def get(self, sid: str) -> Session | None:
        snapshot = super().get(sid)
        if self.rival is not None:
            rival, self.rival = self.rival, None
            rival()
        return snapshot


def test_mongo_rotation_lost_to_another_process_retries_into_the_grace_answer() -> None:
    database = mongomock.MongoClient().db
    codec, clock = DocumentCodec(), Clock()
    audit = AuditLog(database.audit, clock, codec)
    stale = _StaleOnce(database.sessions, codec)
    one = _mongo_service(stale, clock, audit)
    two = _mongo_service(MongoSessionStore(database.sessions, codec), clock, audit)
    grant = one.start(User("alice@example.com", "Alice"))
    rival: list[str] = []

    def rotate_elsewhere() -> None:
        clock.advance(1)  # so that a second, unconditional write would change the document
        rival.append(two.refresh(grant.refresh_token).refresh_token)

    stale.rival = rotate_elsewhere
    assert one.refresh(grant.refresh_token).refresh_token == rival[0]
    stored = two.store.get(grant.session.sid)
    assert stored is not None and stored.generation == 1 and not stored.revoked
    assert len(audit.events("rotation", sid=grant.session.sid)) == 1


def test_mongo_documents_hold_only_token_hashes() -> None:
    database = mongomock.MongoClient().db
    codec, clock = DocumentCodec(), Clock()
    service = _mongo_service(
        MongoSessionStore(database.sessions, codec), clock, AuditLog(database.audit, clock, codec)
    )
    root = service.start(User("alice@example.com", "Alice")).refresh_token
    child = service.refresh(root).refresh_token
    stored = repr(list(database.sessions.find())) + repr(list(database.audit.find()))
    for token in (root, child):
        assert token.rsplit(".", 1)[1] not in stored
    document = database.sessions.find_one()
    assert document is not None
    assert (document["current_hash"], document["previous_hash"]) == (
        token_hash(child),
        token_hash(root),
    )
