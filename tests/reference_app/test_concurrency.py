from __future__ import annotations

import threading
from collections.abc import Callable

import mongomock

from reference_app.audit import AuditLog
from reference_app.clock import Clock
from reference_app.errors import ApiError
from reference_app.services import Services
from reference_app.sessions import SessionService
from reference_app.store import DocumentCodec, MongoSessionStore, SessionStore
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
    from reference_app.tokens import TokenIssuer

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
