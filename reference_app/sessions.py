"""Session lifecycle: login, rotation with grace and reuse detection, logout, access checks."""

from __future__ import annotations

import contextlib
import enum
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from reference_app import regressions
from reference_app.activity import ActivityTracker
from reference_app.audit import AuditTrail
from reference_app.clock import Clock
from reference_app.errors import ApiError
from reference_app.locks import FamilyLocks
from reference_app.settings import Settings
from reference_app.store import Session, SessionStore
from reference_app.tokens import AccessToken, RefreshToken, TokenIssuer, parse_refresh_token
from reference_app.users import User


class Relation(enum.Enum):
    CURRENT = "current"
    PARENT = "parent"
    ANCESTOR = "ancestor"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Grant:
    """What a successful login or refresh hands out."""

    session: Session
    access: AccessToken
    refresh_token: str
    idle_expires_at: datetime | None


@dataclass(frozen=True)
class AuthContext:
    """An authenticated request: its session and the access token's expiry."""

    session: Session
    access_expires_at: datetime
    idle_expires_at: datetime | None


_REVOKED_CODES = {
    "idle_timeout": ("session_idle", "the session ended after a period of inactivity"),
    "session_expired": ("session_expired", "the session reached its maximum lifetime"),
}
_REVOKED_DEFAULT = ("session_revoked", "the session was revoked")


def _unauthorized(code: str, message: str) -> ApiError:
    return ApiError(401, code, message)


class SessionService:
    def __init__(
        self,
        *,
        settings: Settings,
        clock: Clock,
        store: SessionStore,
        tokens: TokenIssuer,
        audit: AuditTrail,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self.store = store
        self._tokens = tokens
        self._audit = audit
        self._locks = FamilyLocks()
        self.activity = ActivityTracker(
            store,
            write_interval_seconds=settings.activity_write_interval_seconds,
            idle_timeout_seconds=settings.idle_timeout_seconds,
            bugs=settings.regressions,
        )
        self._refresh_ttl = timedelta(seconds=settings.refresh_ttl_seconds)
        self._grace = timedelta(seconds=settings.rotation_grace_seconds)
        self._bugs = settings.regressions

    def _now(self) -> datetime:
        # Millisecond precision, as the store keeps it, so what we return equals what we read.
        moment = self._clock.now()
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)

    def start(self, user: User) -> Grant:
        """A new family for `user` (login): generation 0, counts as activity."""
        now = self._now()
        root = self._tokens.new_refresh_token()
        ends = now + timedelta(seconds=self._settings.session_max_seconds)
        session = Session(
            sid=root.sid,
            user=user.email,
            generation=0,
            current_hash=root.hash,
            previous_hash=None,
            created_at=now,
            rotated_at=None,
            last_activity=now,
            refresh_expires_at=min(now + self._refresh_ttl, ends),
            session_expires_at=ends,
        )
        self.store.insert(session)
        self._audit.record("login", user=user.email, sid=session.sid)
        return self._grant(session, root, now, login=True)

    def refresh(self, presented_value: str | None) -> Grant:
        if not presented_value:
            raise _unauthorized("refresh_missing", "no refresh token cookie")
        presented = parse_refresh_token(presented_value)
        if presented is None:
            raise _unauthorized("refresh_invalid", "the refresh token is not valid")
        unguarded = regressions.UNGUARDED_ROTATION in self._bugs
        with contextlib.nullcontext() if unguarded else self._locks.for_family(presented.sid):
            # A lost conditional update means another process rotated first: re-read, retry.
            for _ in range(3):
                grant = self._refresh_once(presented, self._now())
                if grant is not None:
                    return grant
        raise ApiError(503, "refresh_conflict", "the session is being refreshed elsewhere; retry")

    def _refresh_once(self, presented: RefreshToken, now: datetime) -> Grant | None:
        session = self.store.get(presented.sid)
        relation = Relation.UNKNOWN if session is None else self._relation(presented, session)
        if session is None or relation is Relation.UNKNOWN:
            raise _unauthorized("refresh_invalid", "the refresh token is not valid")
        self._ensure_alive(session, now, refreshing=True)
        if relation is Relation.CURRENT:
            if now >= session.refresh_expires_at:
                raise _unauthorized("refresh_expired", "the refresh token has expired")
            return self._rotate(session, presented, now)
        if relation is Relation.PARENT and self._inside_grace(session, now):
            child = self._tokens.child_of(presented)
            if regressions.GRACE_NEW_CHILD in self._bugs:
                child = replace(child, secret=regressions.minted_secret())
            self._audit.record("refresh", user=session.user, sid=session.sid, grace=True)
            return self._grant(session, child, now)
        if regressions.NO_REUSE_DETECTION not in self._bugs:
            self.store.revoke(session.sid, "reuse", now)
        self._audit.record(
            "reuse_detected",
            user=session.user,
            sid=session.sid,
            generation=presented.generation,
            current=session.generation,
        )
        raise _unauthorized("refresh_reused", "an old refresh token was reused; session revoked")

    def _relation(self, presented: RefreshToken, session: Session) -> Relation:
        if presented.generation == session.generation and presented.hash == session.current_hash:
            return Relation.CURRENT
        if (
            presented.generation == session.generation - 1
            and presented.hash == session.previous_hash
        ):
            return Relation.PARENT
        if presented.generation < session.generation - 1:
            # Derive forward: only a genuine ancestor reaches the current token.
            current = self._tokens.descendant(presented, session.generation)
            if current.hash == session.current_hash:
                return Relation.ANCESTOR
        return Relation.UNKNOWN

    def _inside_grace(self, session: Session, now: datetime) -> bool:
        if regressions.NO_REUSE_GRACE in self._bugs:
            return False  # pragma: no mutate
        return session.rotated_at is not None and now - session.rotated_at < self._grace

    def _rotate(self, session: Session, presented: RefreshToken, now: datetime) -> Grant | None:
        if regressions.NO_ROTATION in self._bugs:
            return self._grant(session, presented, now)  # pragma: no mutate
        child = self._tokens.child_of(presented)
        rotated = replace(
            session,
            generation=child.generation,
            current_hash=child.hash,
            previous_hash=session.current_hash,
            rotated_at=now,
            refresh_expires_at=self._slid_expiry(session, now),
        )
        if regressions.UNGUARDED_ROTATION in self._bugs:
            regressions.overwrite(self.store, rotated)
        elif not self.store.replace_if_generation(session.generation, rotated):
            return None
        if regressions.REFRESH_COUNTS_AS_ACTIVITY in self._bugs:
            self.activity.touch(rotated, now)  # pragma: no mutate
        self._audit.record(
            "rotation", user=session.user, sid=session.sid, generation=child.generation
        )
        return self._grant(rotated, child, now)

    def _slid_expiry(self, session: Session, now: datetime) -> datetime:
        if regressions.FIXED_REFRESH_EXPIRY in self._bugs:
            return session.refresh_expires_at  # pragma: no mutate
        if regressions.NO_ABSOLUTE_ON_REFRESH in self._bugs:
            return now + self._refresh_ttl  # pragma: no mutate
        return min(now + self._refresh_ttl, session.session_expires_at)

    def _ensure_alive(self, session: Session, now: datetime, *, refreshing: bool = False) -> None:
        """Raises the 401 for a revoked, absolutely expired or idle session (revoking it)."""
        bugs = self._bugs if refreshing else frozenset()
        if session.revoked:
            raise _unauthorized(*_REVOKED_CODES.get(session.revoked_reason or "", _REVOKED_DEFAULT))
        absolute_checked = regressions.NO_ABSOLUTE_ON_REFRESH not in bugs
        if now >= session.session_expires_at and absolute_checked:
            self._end(session, "session_expired", now)
        idle_deadline = self.activity.idle_deadline(session)
        idle_checked = regressions.IDLE_UNCHECKED_ON_REFRESH not in bugs
        if idle_deadline is not None and now >= idle_deadline and idle_checked:
            self._end(session, "idle_timeout", now)

    def _end(self, session: Session, reason: str, now: datetime) -> None:
        if self.store.revoke(session.sid, reason, now):
            self._audit.record(reason, user=session.user, sid=session.sid)
        raise _unauthorized(*_REVOKED_CODES[reason])

    def _grant(
        self, session: Session, refresh: RefreshToken, now: datetime, *, login: bool = False
    ) -> Grant:
        if login and regressions.LEGACY_ACCESS_TTL in self._bugs:
            # pragma: no mutate block
            claims: dict[str, object] = {"sub": session.user, "sid": session.sid, "typ": "access"}
            token, expires = regressions.legacy_access_token(claims, self._tokens.secret, now)
            access = AccessToken(token, now.replace(microsecond=0), expires)
        else:
            access = self._tokens.issue_access(user=session.user, sid=session.sid, now=now)
        return Grant(session, access, str(refresh), self.activity.idle_deadline(session))

    def authenticate(self, bearer: str | None) -> AuthContext:
        """Checks an access token and its session; the call counts as activity."""
        if not bearer:
            raise _unauthorized("token_missing", "an Authorization: Bearer header is required")
        now = self._now()
        claims = self._tokens.verify_access(bearer, now)
        session = self.store.get(claims.sid)
        if session is None or session.user != claims.user:
            raise _unauthorized("token_invalid", "the access token is not valid")
        if regressions.STATELESS_ACCESS not in self._bugs:
            self._ensure_alive(session, now)
        self.activity.touch(session, now)
        return AuthContext(session, claims.expires_at, self.activity.deadline_from(now))

    def logout(self, presented_value: str | None) -> bool:
        presented = parse_refresh_token(presented_value or "")
        session = None if presented is None else self.store.get(presented.sid)
        if presented is None or session is None:
            return False
        if self._relation(presented, session) is Relation.UNKNOWN:
            return False
        if regressions.LOGOUT_KEEPS_SESSION in self._bugs:
            return False  # pragma: no mutate
        revoked = self.store.revoke(session.sid, "logout", self._now())
        if revoked:
            self._audit.record("logout", user=session.user, sid=session.sid)
        return revoked

    def logout_all(self, user: str, *, current: str | None = None) -> int:
        """Ends every session of `user`; `current` is the session that asked."""
        now = self._now()
        sids = self.store.active_sids_of(user)
        if current is not None and regressions.LOGOUT_ALL_CURRENT_ONLY in self._bugs:
            sids = [current]  # pragma: no mutate
        revoked = sum(self.store.revoke(sid, "logout_all", now) for sid in sids)
        self._audit.record("logout_all", user=user, revoked=revoked)
        return revoked
