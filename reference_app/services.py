"""Everything one app instance owns, built from its settings (no module-level state)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

from starlette.concurrency import run_in_threadpool

from reference_app import regressions
from reference_app.audit import AuditLog, AuditTrail, MemoryAuditLog
from reference_app.chat import ChatLog
from reference_app.clock import Clock
from reference_app.logins import LoginGate
from reference_app.sessions import SessionService
from reference_app.settings import Settings
from reference_app.store import (
    DocumentCodec,
    MemorySessionStore,
    MongoSessionStore,
    RoundTrips,
    SessionStore,
    is_embedded,
    open_database,
)
from reference_app.throttle import LoginThrottle
from reference_app.tokens import TokenIssuer
from reference_app.users import UserDirectory

logger = logging.getLogger("reference_app")
P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Services:
    settings: Settings
    clock: Clock
    tokens: TokenIssuer
    users: UserDirectory
    logins: LoginGate
    sessions: SessionService
    chat: ChatLog
    audit: AuditTrail
    # A remote database blocks on I/O: store calls then leave the event loop for a thread.
    offload: bool
    shared_answers: regressions.SharedAnswers = field(default_factory=regressions.SharedAnswers)

    async def call(self, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        if self.offload:
            return await run_in_threadpool(func, *args, **kwargs)
        return func(*args, **kwargs)


def _jwt_secret(settings: Settings) -> str:
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    logger.warning("REFAPP_JWT_SECRET is unset: using a random key; tokens die with this process")
    return secrets.token_urlsafe(48)


def build_services(settings: Settings) -> Services:
    clock = Clock()
    codec = DocumentCodec(naive=regressions.NAIVE_DATETIMES in settings.regressions)
    database = open_database(settings.mongodb_uri)
    embedded = is_embedded(settings.mongodb_uri)
    store: SessionStore = (
        MemorySessionStore(codec) if embedded else MongoSessionStore(database["sessions"], codec)
    )
    if settings.store_latency_ms:
        store = RoundTrips(store, settings.store_latency_ms / 1000)
    tokens = TokenIssuer(
        _jwt_secret(settings), settings.access_ttl_seconds, bugs=settings.regressions
    )
    users = UserDirectory(
        database["users"],
        memory_kib=settings.password_hash_memory_kib,
        time_cost=settings.password_hash_time_cost,
    )
    users.seed(settings.demo_users)
    audit: AuditTrail = (
        MemoryAuditLog(clock, codec)
        if embedded
        else AuditLog(database["audit_events"], clock, codec)
    )
    sessions = SessionService(
        settings=settings, clock=clock, store=store, tokens=tokens, audit=audit
    )
    chat = ChatLog(database["chat_messages"], codec)
    logins = _login_gate(settings, users, clock, audit)
    offload = not embedded or settings.store_latency_ms > 0
    return Services(settings, clock, tokens, users, logins, sessions, chat, audit, offload=offload)


def _login_gate(
    settings: Settings, users: UserDirectory, clock: Clock, audit: AuditTrail
) -> LoginGate:
    throttle = LoginThrottle(
        per_account=settings.login_failures_per_account,
        per_address=settings.login_failures_per_address,
        window_seconds=settings.login_failure_window_seconds,
    )
    return LoginGate(users, throttle, clock, audit, concurrency=settings.password_hash_concurrency)
