"""A browser profile and its tabs under gevent: the refresh algorithm's adapter for load.

Every decision comes from `harness.core` (when to refresh, what to adopt inside the lock,
what an API answer means, how to back off, when a timer signs the user out); every request
is built and read by `harness.target.contract`. What lives here is the gevent side: one
greenlet per tab ticking on real time, a lock per profile (the Web Locks stand-in, stolen
after the lock timeout as a browser does), and the tally of what happened.

Loaded only in the Locust process (gevent).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import gevent
from gevent.event import AsyncResult
from gevent.lock import Semaphore

from harness.core import (
    AccessToken,
    Backoff,
    GiveUp,
    ProfileState,
    RefreshAttempts,
    adoptable,
    judge_api_reply,
    needs_refresh,
)
from harness.core.timers import TabTimers
from harness.load.figures import REFRESH_NAMES, REFRESH_OTHER
from harness.load.plan import Deadlines, Fate, judge_logout, missed_logout
from harness.load.process import NetworkFailure, ProcessState, Wire
from harness.target import Reply, User, contract
from harness.target.contract import Outgoing, Purpose
from harness.target.model import Request
from harness.target.templates import MissingValue

REVOKED_REASONS = frozenset({"refresh_reused", "session_revoked"})
ACTION_SHARE = 0.25  # of a user's actions that write (the rest read)


class StealableLock:
    """The profile's refresh lock; a waiter takes it anyway after `timeout_s` (a frozen holder)."""

    def __init__(self, timeout_s: float) -> None:
        self._semaphore = Semaphore()
        self._timeout_s = timeout_s

    @property
    def locked(self) -> bool:
        return bool(self._semaphore.locked())

    def acquire(self) -> bool:
        """True when acquired, False when stolen after the timeout (then do not release)."""
        return bool(self._semaphore.acquire(timeout=self._timeout_s))

    def release(self, owned: bool) -> None:
        if owned:
            self._semaphore.release()


class StormTab:
    """One tab: its own copy of the token, its timers, its single refresh in flight."""

    def __init__(self, profile: StormProfile, name: str) -> None:
        self.profile = profile
        self.name = name
        self.in_session = False
        self.token: AccessToken | None = None
        self.timers = TabTimers(profile.state, self)
        self.lock = StealableLock(profile.state.policy.lock_timeout_seconds)  # per_tab_lock
        self._inflight: AsyncResult | None = None

    # -- TabPeer: what the profile's broadcast channel does to this tab ------------------

    def adopt(self, token: AccessToken) -> None:
        self.token = token

    def activity_seen(self) -> None:
        self.timers.dismiss_idle_warning()

    def to_login(self, reason: str, message: str | None, *, redirect: bool) -> None:
        self.in_session = False
        self.token = None

    def join(self, token: AccessToken | None) -> None:
        self.in_session = True
        self.token = token
        self.timers.reset(self.profile.process.clock.now())

    # -- the timer ------------------------------------------------------------------------

    def run_timer(self) -> None:
        """Tick every `tick_seconds` of real time from a random phase, as tabs opened at
        different moments do; the app's clock jumps, but a browser's timers do not."""
        period = self.profile.state.policy.tick_seconds
        gevent.sleep(random.uniform(0, period))
        while self.profile.open:
            if self.in_session and not self.profile.away:
                self.tick()
            gevent.sleep(period)

    def tick(self) -> None:
        now = self.profile.process.clock.now()
        for name in self.timers.fire_due(now):
            if name == "idle_logout":
                self.profile.end_session("session_idle")
            elif name == "absolute_end":
                self.profile.end_session("session_expired")
        if not self.in_session or self._inflight is not None or self._refresh_lock().locked:
            return  # a refresh in flight anywhere in the profile will broadcast its token
        state = self.profile.state
        if state.policy.proactive_refresh and needs_refresh(self.token, now, state.policy):
            self.refresh("timer", started_with=self.token)
        if self.in_session and state.heartbeat_due(now) and self.profile.target.probe is not None:
            state.heartbeat_inflight = True
            try:
                self.declared("probe", {})
            finally:
                state.heartbeat_inflight = False

    # -- requests -------------------------------------------------------------------------

    def declared(self, purpose: Purpose, named: dict[str, str]) -> Reply | None:
        """The profile's [probe] or [action] request through the refresh algorithm."""
        spec: Request | None = getattr(self.profile.target, purpose)
        if spec is None:
            return None
        return self.authed(lambda token: self.profile.outgoing(spec, purpose, named, token))

    def authed(self, build: Callable[[str | None], Outgoing]) -> Reply | None:
        """ensure_fresh, send, and on a refused token refresh once and retry once.

        None when the request could not be made (signed out, or no token and no network).
        """
        profile, state = self.profile, self.profile.state
        if not self.in_session:
            return None
        state.touch(profile.process.clock.now(), api=True)
        token = self.ensure_fresh()
        for retried in (False, True):
            if token is None:
                return None
            outgoing = build(token.value)
            try:
                reply = profile.wire.send(outgoing, name=outgoing.purpose)
            except NetworkFailure:
                return None
            rejected = contract.access_rejected(profile.target, reply)
            reason = contract.reason_of(profile.target, reply, outgoing.purpose) if rejected else ""
            if rejected and not retried:
                profile.process.tally.add("action_401s")
            verdict = judge_api_reply(
                rejected=rejected, reason=reason, retried=retried, policy=state.policy
            )
            if verdict == "deliver":
                return reply
            if verdict == "sign_out":
                profile.end_session(reason)
                return None
            token = self.refresh("reactive", started_with=token)
        return None

    def ensure_fresh(self) -> AccessToken | None:
        token, now = self.token, self.profile.process.clock.now()
        if token is not None and not needs_refresh(token, now, self.profile.state.policy):
            return token
        fresh = self.refresh("proactive", started_with=token)
        if fresh is not None or not self.in_session:
            return fresh
        # The refresh failed on the network: the old token still works until it expires.
        return token if token is not None and token.seconds_left(now) > 0 else None

    # -- refresh: single flight in the tab, then across the profile -----------------------

    def refresh(self, reason: str, *, started_with: AccessToken | None) -> AccessToken | None:
        if self._inflight is not None:  # a refresh already in flight in this tab: wait for it
            found: AccessToken | None = self._inflight.get()
            return found
        flight = self._inflight = AsyncResult()
        result: AccessToken | None = None
        try:
            result = self._refresh_locked(started_with)
            return result
        finally:
            self._inflight = None
            flight.set(result)

    def _refresh_lock(self) -> StealableLock:
        return self.profile.lock if self.profile.state.policy.shared_lock else self.lock

    def _refresh_locked(self, started_with: AccessToken | None) -> AccessToken | None:
        profile, state = self.profile, self.profile.state
        lock = self._refresh_lock()
        owned = lock.acquire()
        if not owned:
            profile.process.tally.add("lock_steals")
        try:
            if not self.in_session:
                return None
            shared = state.token if state.policy.shared_lock else self.token
            now = profile.process.clock.now()
            found = adoptable(shared, started_with, now, state.policy)
            if found is not None:  # another tab refreshed while this one waited
                self.adopt(found)
                return found
            return self._refresh_request()
        finally:
            lock.release(owned)

    def _refresh_request(self) -> AccessToken | None:
        profile = self.profile
        try:
            outgoing = profile.outgoing(profile.target.refresh, "refresh", {}, None)
        except MissingValue:  # nothing to refresh with: the session cannot go on
            profile.end_session("refresh_missing")
            return None
        reply = profile.send_refresh(outgoing)
        if reply is None or not self.in_session:
            return None
        if not 200 <= reply.status < 300:
            profile.process.tally.add("refresh_refused")
            profile.end_session(contract.reason_of(profile.target, reply, "refresh"))
            return None
        token = profile.take_grant(reply, "refresh")
        self.token = token
        profile.state.broadcast(token, sender=self)
        return token


class StormProfile:
    """One browser profile of one user: its cookie jar (the wire), its tabs, its fate."""

    def __init__(
        self, process: ProcessState, wire: Wire, *, fate: Fate, user: User, tabs: int
    ) -> None:
        self.process = process
        self.target = process.target
        self.wire = wire
        self.fate = fate
        self.user = user
        self.state = ProfileState(process.policy)
        self.lock = StealableLock(process.policy.lock_timeout_seconds)
        self.tabs = [StormTab(self, f"tab{i + 1}") for i in range(tabs)]
        self.state.tabs.extend(self.tabs)
        self.open = True  # the browser is running (the Locust user is alive)
        self.away = False  # the laptop is closed: no timers, no actions
        self.returned = False
        self.signed_in_at = 0.0  # virtual Unix seconds
        self.last_renewal = 0.0
        self.freshest: AccessToken | None = None  # the newest token any tab got
        self.due_in: int | None = None  # the herd this profile still has to renew in
        self.ended: str | None = None  # the reason it was sent to login
        self._deadlines: Deadlines | None = None  # frozen when the user went away

    @property
    def signed_in(self) -> bool:
        return self.state.session_open

    # -- requests -------------------------------------------------------------------------

    def outgoing(
        self, spec: Request, purpose: Purpose, named: dict[str, str], token: str | None
    ) -> Outgoing:
        refresh = self.state.refresh_token
        values = {**named, **({"refresh_token": refresh} if refresh else {})}
        return contract.build(
            self.target, spec, purpose, cookies=self.wire.cookies(), access_token=token, **values
        )

    def send_refresh(self, outgoing: Outgoing) -> Reply | None:
        """The refresh with the core's backoff; None after the last try failed (banner)."""
        tally, clock = self.process.tally, self.process.clock
        tally.add("refresh_flights")
        attempts = RefreshAttempts(self.state.policy)
        while True:
            name = REFRESH_NAMES.get(clock.phase, REFRESH_OTHER)
            sent = time.monotonic()
            reply: Reply | None = None
            try:
                reply = self.wire.send(outgoing, name=name)
                step = attempts.after(reply.status)
            except NetworkFailure as exc:
                step = attempts.after(None, str(exc))
            if reply is not None:
                elapsed_ms = (time.monotonic() - sent) * 1000
                tally.refresh_answered(clock.second_of_storm(), elapsed_ms)
            if isinstance(step, GiveUp):
                tally.add("refresh_gave_up")
                return None
            if not isinstance(step, Backoff):
                return reply
            tally.add("refresh_retries")
            gevent.sleep(step.delay)
            if not self.signed_in:
                return None

    def take_grant(self, reply: Reply, purpose: Any) -> AccessToken:
        """Keep what a login or refresh gave; count a renewal when the profile's token was due."""
        clock = self.process.clock
        grant = contract.read_grant(self.target, purpose, reply, clock.now())
        if grant.refresh_token is not None:
            self.state.refresh_token = grant.refresh_token
        # No skew: in a storm the client's clock is the app's (see StormClock).
        token = AccessToken.from_grant(grant, grant.server_time or clock.now())
        if purpose == "refresh" and self._was_due(clock.now()):
            self.process.tally.add("renewals")
            self.last_renewal = clock.now_s()
            self._herd_done()
        self.freshest = token
        return token

    def _was_due(self, now: datetime) -> bool:
        """The profile's newest token was under the threshold: this refresh renewed it.

        Measured against the app's threshold whatever the client does (no_proactive_refresh).
        """
        fresh = self.freshest
        return fresh is None or fresh.seconds_left(now) <= self.process.plan.timing.threshold_s

    # -- the session ----------------------------------------------------------------------

    def start_session(self, reply: Reply) -> None:
        """A login (or bulk) response: the session starts in every tab."""
        token = self.take_grant(reply, "login")
        clock = self.process.clock
        self.state.session_started(token, clock.now())
        self.signed_in_at = self.last_renewal = clock.now_s()
        for tab in self.tabs:
            tab.join(token)
        self.process.tally.fates[self.fate] += 1

    def end_session(self, reason: str) -> None:
        """A fatal answer or timer: every tab goes to the login page; judge it once."""
        if not self.signed_in:
            return
        self.state.sign_out(reason, self.state.policy.message_for(reason), redirect=True)
        tally = self.process.tally
        tally.reasons[reason] += 1
        if reason in REVOKED_REASONS:
            tally.add("family_revocations")
        if reason == "refresh_reused":
            tally.add("reuse_detections")
        self.ended = reason
        verdict = judge_logout(self.fate, reason, self.process.clock.now_s(), self.deadlines())
        tally.add(
            {"expected": "expected_logouts", "false": "false_logouts"}.get(verdict, "wrong_reasons")  # type: ignore[arg-type]
        )
        self._herd_done()

    def deadlines(self) -> Deadlines:
        if self._deadlines is not None:
            return self._deadlines
        last = self.state.last_activity
        return Deadlines.of(
            self.process.plan.timing,
            signed_in_at=self.signed_in_at,
            last_activity=last.timestamp() if last is not None else self.signed_in_at,
            last_renewal=self.last_renewal,
        )

    # -- what the user does ---------------------------------------------------------------

    def act(self, text: str) -> None:
        """One user action in a random tab: mostly reading (the [probe]), now and then the
        [action] (a chat message); either one alone when the profile declares only it."""
        if not self.signed_in or self.away:
            return
        tab = random.choice(self.tabs)
        writes = self.target.probe is None or random.random() < ACTION_SHARE
        purpose: Purpose = "action" if writes and self.target.action is not None else "probe"
        self.process.tally.add("actions")
        tab.declared(purpose, {"text": text})

    def go_away(self) -> None:
        """The laptop closes: deadlines are judged from this moment's activity."""
        self.away = True
        self._deadlines = self.deadlines()

    def come_back(self) -> None:
        self.away = False
        self.returned = True

    def due(self, lifetime: int) -> None:
        """A herd begins: this profile has to renew (or be signed out) in it."""
        self._herd_done()
        if self.signed_in and not self.away:
            self.due_in = lifetime
            self.process.tally.pending[lifetime] += 1

    def _herd_done(self) -> None:
        if self.due_in is not None:
            self.process.tally.pending[self.due_in] -= 1
            self.due_in = None

    def judge_end(self) -> None:
        """The storm is over: still signed in although the session should have ended?"""
        if self.signed_in and missed_logout(
            self.fate, self.process.clock.now_s(), self.deadlines(), returned=self.returned
        ):
            self.process.tally.add("missed_logouts")
