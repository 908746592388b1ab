"""The refresh algorithm of docs/refresh-algorithm.md as one tab's machine, free of I/O.

In the shape of h11's `Connection`: a driver hands the machine what happened (a user
request, a timer, an answer, a network failure, the lock, a broadcast token) and performs
the actions it gets back (send, lock, sleep, adopt, banner, sign out). The asyncio tabs of
`harness.client` and the gevent tabs of `harness.load` are two drivers of this one machine;
the injected client bugs (`ClientPolicy.has`) are its variants, one check each, all here.

What the tabs of a profile share (token broadcast, activity, the lock's holders) is the
profile's `ProfileState`; the machine reads and writes it, never the driver's objects.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Protocol

from harness.core.actions import (
    AcquireLock,
    Action,
    Adopt,
    Answer,
    Delivered,
    Ended,
    Heartbeat,
    IdleLogout,
    JoinFlight,
    Land,
    Landed,
    LockScope,
    LockTaken,
    NetworkFailed,
    Offline,
    Outcome,
    RefreshBegins,
    RefreshFails,
    RefreshReason,
    Rejected,
    ReleaseLock,
    Send,
    ShowBanner,
    ShowWarning,
    SignOut,
    Sleep,
    Store,
    TakeOff,
    Touch,
    Unsendable,
    Woke,
)
from harness.core.decisions import (
    Backoff,
    GiveUp,
    RefreshAttempts,
    adoptable,
    judge_api_reply,
    needs_refresh,
)
from harness.core.flow import Flow, Holding, Steps
from harness.core.policy import ClientPolicy
from harness.core.shared import ProfileState
from harness.core.timers import TabTimers, TimerName, WarningKind
from harness.core.tokens import AccessToken
from harness.target.contract import Grant

# Injected bug `refresh_of_refresh`: how often a refused refresh is refreshed again (a real
# client with this bug loops until the user gives up).
REFRESH_OF_REFRESH_TRIES = 3
REFUSED_REFRESH = frozenset({401, 403})


class MachineClock(Protocol):
    def now(self) -> datetime:
        """Virtual (server) time: activity, timers."""

    def local_now(self) -> datetime:
        """The client's own clock: token expiry (docs/refresh-algorithm.md, "Clock skew")."""


class TabMachine:
    """One tab: its copy of the token, its banner, its single refresh in flight, its timers.

    `request()`, `timer()` return a `Flow` to drive; `join()`, `adopt()`, `signed_out()` are
    what the profile's broadcast channel does to the tab (no actions to perform).
    """

    def __init__(
        self, state: ProfileState, clock: MachineClock, *, virtual_ticks: bool = True
    ) -> None:
        self.state = state
        self.clock = clock
        self.in_session = False
        self.token: AccessToken | None = None
        self.banner: str | None = None
        self.login_reason: str | None = None  # why the tab went to the login page
        self.login_message: str | None = None
        self.timers = TabTimers(state, self, ticks=virtual_ticks)
        self.flying = False  # a refresh is in flight in this tab
        self._held: tuple[LockScope, bool] | None = None  # the lock this tab holds, owned

    @property
    def policy(self) -> ClientPolicy:
        return self.state.policy

    @property
    def refresh_in_flight(self) -> bool:
        """In this tab, or (the lock is held) anywhere in the profile."""
        if self.flying:
            return True
        return self.policy.shared_lock and self.state.refresh_locks_held > 0

    # -- what the profile does to the tab -------------------------------------------------

    def opened(self) -> None:
        """A tab opened in the profile shares its session, if there is one; under
        per_tab_lock the token is the tab's own, so a new tab starts without one."""
        if self.state.session_open:
            self.join(self.state.token if self.policy.shared_lock else None)

    def join(self, token: AccessToken | None) -> None:
        self.in_session = True
        self.login_reason = self.login_message = self.banner = None
        self.token = token
        self.timers.reset(self.clock.now())

    def adopt(self, token: AccessToken) -> bool:
        """A token broadcast by another tab; False when the tab holds it already."""
        if token is self.token:
            return False
        self.token = token
        self.banner = None
        return True

    def signed_out(self, reason: str, message: str | None) -> None:
        self.in_session = False
        self.token = self.banner = None
        self.login_reason, self.login_message = reason, message
        self.timers.reset(self.clock.now())

    def abandon(self, holding: frozenset[Holding]) -> list[Action]:
        """A flow stopped midway (its driver raised): let go of what it `holding`."""
        actions: list[Action] = []
        if "lock" in holding and self._held is not None:
            actions.append(self._release())
        if "flight" in holding:
            self.flying = False
            actions.append(Land(None))
        if "heartbeat" in holding:
            self.state.heartbeat_inflight = False
        return actions

    # -- inputs ---------------------------------------------------------------------------

    def request(self) -> Flow[Outcome]:
        """A user's authenticated API call (requests steps 1-5)."""
        return Flow(self._request(), self.abandon)

    def timer(self, name: TimerName) -> Flow[None]:
        return Flow(self._timer(name), self.abandon)

    def fire_due(self, now: datetime) -> list[TimerName]:
        """The timers due at `now` (each fires once); none on the login page."""
        return self.timers.fire_due(now) if self.in_session else []

    # -- requests -------------------------------------------------------------------------

    def _request(self) -> Steps[Outcome]:
        if not self.in_session:
            return self._ended()
        yield Touch()
        token = yield from self._ensure_fresh()
        if not isinstance(token, AccessToken):
            return token
        for retried in (False, True):
            reply = yield Send("api", token.value)
            if isinstance(reply, NetworkFailed):
                return Offline(reply.error)
            assert isinstance(reply, Answer)
            if reply.rejected:
                yield Rejected(reply.reason, retried)
            verdict = judge_api_reply(
                rejected=reply.rejected, reason=reply.reason, retried=retried, policy=self.policy
            )
            if verdict == "deliver":
                return Delivered()
            if verdict == "sign_out":
                yield self._sign_out(reply.reason)
                return self._ended()
            if self.policy.has("drop_early_401") and self.refresh_in_flight:
                return Delivered()  # injected bug: the refusal is not retried after that refresh
            fresh = yield from self._refresh("reactive", started_with=token)
            if fresh is None:
                return self._offline()
            token = fresh
        raise AssertionError("unreachable: the second answer is always delivered or fatal")

    def _ensure_fresh(self) -> Steps[AccessToken | Outcome]:
        """ensure_fresh: the tab's token, refreshed first when it is (nearly) expired."""
        token = self.token
        if token is not None and not self._needs_refresh(token):
            return token
        fresh = yield from self._refresh("proactive", started_with=token)
        if fresh is not None:
            return fresh
        if self.in_session and token is not None and token.seconds_left(self._local()) > 0:
            return token  # the refresh failed on the network; the old token still works
        return self._offline()

    def _offline(self) -> Outcome:
        if not self.in_session:
            return self._ended()
        return Offline(self.banner or self.policy.banner_connection)

    def _ended(self) -> Ended:
        return Ended(self.login_reason or "signed_out", self.login_message)

    # -- refresh: single flight in the tab, then across the profile -----------------------

    def _refresh(
        self, reason: RefreshReason, *, started_with: AccessToken | None
    ) -> Steps[AccessToken | None]:
        """Step 1: a refresh already in flight in this tab is joined, not repeated."""
        if self.flying:
            landed = yield JoinFlight()
            assert isinstance(landed, Landed)
            return landed.token
        self.flying = True
        yield TakeOff()
        token = yield from self._locked(reason, started_with)
        self.flying = False
        yield Land(token)
        return token

    def _locked(
        self, reason: RefreshReason, started_with: AccessToken | None
    ) -> Steps[AccessToken | None]:
        """Steps 2-3: the lock, then the re-check that makes N tabs send one refresh."""
        scope: LockScope = "profile" if self.policy.shared_lock else "tab"
        taken = yield AcquireLock(scope, self.policy.lock_timeout_seconds)
        assert isinstance(taken, LockTaken)
        self._held = (scope, not taken.stolen)
        if scope == "profile":
            self.state.refresh_locks_held += 1
        token: AccessToken | None = None
        if self.in_session:
            # Under per_tab_lock the tab sees only its own token: another request of this tab
            # may have refreshed it since `started_with` failed.
            shared = self.state.token if scope == "profile" else self.token
            found = adoptable(shared, started_with, self._local(), self.policy)
            if self.policy.has("no_lock_recheck"):
                found = None
            if found is not None:
                if self.adopt(found):  # not when a broadcast brought it meanwhile
                    yield Adopt(found)
                token = found
            else:
                yield RefreshBegins(reason)
                token = yield from self._refresh_request()
        yield self._release()
        return token

    def _release(self) -> ReleaseLock:
        assert self._held is not None
        scope, owned = self._held
        self._held = None
        if scope == "profile":
            self.state.refresh_locks_held -= 1
        return ReleaseLock(scope, owned)

    def _refresh_request(self) -> Steps[AccessToken | None]:
        """Steps 4-6: send with backoff, then keep the grant, show the banner or sign out."""
        reply = yield from self._send_with_retries()
        if self.policy.has("refresh_of_refresh"):
            for _ in range(REFRESH_OF_REFRESH_TRIES):
                if not isinstance(reply, Answer) or reply.status not in REFUSED_REFRESH:
                    break
                reply = yield from self._send_with_retries()
        if isinstance(reply, Unsendable):  # nothing to refresh with: the session cannot go on
            yield RefreshFails("refresh_missing", fatal=True, cause="missing")
            yield self._sign_out("refresh_missing")
            return None
        if not self.in_session:  # another tab signed the profile out during the backoff
            return None
        if isinstance(reply, GiveUp):
            fatal = self.policy.has("network_error_signs_out")
            yield RefreshFails(reply.error, fatal=fatal, cause="unreachable")
            if fatal:
                yield self._sign_out(reply.error)
            elif self.banner is None:  # one banner event per appearance, not per failed cycle
                self.banner = self.policy.banner_connection
                yield ShowBanner(self.banner)
            return None
        if not 200 <= reply.status < 300 or reply.grant is None:
            yield RefreshFails(reply.reason, fatal=True, cause="refused")
            yield self._sign_out(reply.reason)
            return None
        assert reply.grant is not None
        token = self.token_of(reply.grant, reply.received_at or self._local())
        self.token = token
        self.banner = None
        yield Store(token)
        return token

    def _send_with_retries(self) -> Steps[Answer | GiveUp | Unsendable]:
        """Step 5: retry after network errors and 5xx answers, as RefreshAttempts says."""
        attempts = RefreshAttempts(self.policy)
        while True:
            reply = yield Send("refresh", self.token.value if self.token else None)
            if isinstance(reply, Unsendable):
                return reply
            if isinstance(reply, NetworkFailed):
                step = attempts.after(None, reply.error)
            else:
                assert isinstance(reply, Answer)
                step = attempts.after(reply.status)
            if isinstance(step, GiveUp):
                return step
            if not isinstance(step, Backoff):
                assert isinstance(reply, Answer)
                return reply
            woke = yield Sleep(step.delay, step.attempt, step.error)
            assert isinstance(woke, Woke)
            if not self.in_session:
                return GiveUp("signed_out")  # the profile was signed out meanwhile

    def token_of(self, grant: Grant, received_at: datetime) -> AccessToken:
        """The token a login or refresh granted, its expiry moved onto the client's clock."""
        if grant.refresh_token is not None:
            self.state.refresh_token = grant.refresh_token
        if self.policy.has("ignore_clock_skew"):
            grant = dataclasses.replace(grant, server_time=None)
        return AccessToken.from_grant(grant, received_at)

    # -- timers ---------------------------------------------------------------------------

    def _timer(self, name: TimerName) -> Steps[None]:
        if not self.in_session:
            return
        if name == "tick":
            yield from self._tick()
        elif name in ("idle_warning", "absolute_warning"):
            kind: WarningKind = "idle" if name == "idle_warning" else "absolute"
            yield ShowWarning(kind, self.timers.seconds_left(kind, self.clock.now()))
        elif name == "idle_logout":
            yield IdleLogout()
            yield self._sign_out("session_idle")
        elif name == "absolute_end":
            yield self._sign_out("session_expired")

    def _tick(self) -> Steps[None]:
        # Skip while a refresh is in flight anywhere in the profile: its broadcast will come.
        # Waiting for it here could deadlock, since its backoff may wait on this very tick.
        if not self.policy.proactive_refresh or self.refresh_in_flight:
            return
        if self._needs_refresh(self.token):
            yield from self._refresh("timer", started_with=self.token)
        # After a failed refresh the heartbeat would only repeat it; the next tick tries again.
        if self.in_session and self.banner is None and self.state.heartbeat_due(self.clock.now()):
            self.state.heartbeat_inflight = True
            yield Heartbeat()
            self.state.heartbeat_inflight = False

    # -- helpers --------------------------------------------------------------------------

    def _needs_refresh(self, token: AccessToken | None) -> bool:
        return needs_refresh(token, self._local(), self.policy)

    def _local(self) -> datetime:
        return self.clock.local_now()

    def _sign_out(self, reason: str) -> SignOut:
        return SignOut(reason, self.policy.message_for(reason))
