"""A browser profile and its tabs under gevent: the refresh algorithm's adapter for load.

Every step of the algorithm is the core's `TabMachine` (when to refresh, the lock and its
re-check, what an API answer means, the backoff, when a timer signs the user out); every
request is built and read by `harness.target.contract`. What lives here is the gevent side:
one greenlet per tab ticking on real time, a semaphore per profile for the machine's lock
(taken anyway after the machine's timeout), and the tally of what the machine did.

Loaded only in the Locust process (gevent).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TypeVar

import gevent
from gevent.event import AsyncResult
from gevent.lock import Semaphore

from harness.core import AccessToken, Finished, Flow, ProfileState, TabMachine
from harness.core.actions import (
    AcquireLock,
    Action,
    Answer,
    Delivered,
    Done,
    Heartbeat,
    JoinFlight,
    Land,
    Landed,
    LockScope,
    LockTaken,
    NetworkFailed,
    RefreshBegins,
    RefreshFails,
    Rejected,
    ReleaseLock,
    Send,
    SignOut,
    Sleep,
    Store,
    TakeOff,
    Touch,
    Unsendable,
    Woke,
)
from harness.core.actions import Reply as MachineReply
from harness.load.figures import REFRESH_NAMES, REFRESH_OTHER
from harness.load.plan import Deadlines, Fate, judge_logout, missed_logout
from harness.load.process import NetworkFailure, ProcessState, Wire
from harness.target import Reply, User, contract
from harness.target.contract import Outgoing, Purpose
from harness.target.model import Request
from harness.target.templates import MissingValue

T = TypeVar("T")
REVOKED_REASONS = frozenset({"refresh_reused", "session_revoked"})
ACTION_SHARE = 0.25  # of a user's actions that write (the rest read)


class StealableLock:
    """The profile's refresh lock (Web Locks): a waiter may take it anyway after a timeout."""

    def __init__(self) -> None:
        self._semaphore = Semaphore()

    def acquire(self, timeout_s: float) -> bool:
        """True when acquired, False when stolen after the timeout (then do not release)."""
        return bool(self._semaphore.acquire(timeout=timeout_s))

    def release(self, owned: bool) -> None:
        if owned:
            self._semaphore.release()


class StormTab:
    """One tab: the core's machine, driven by a greenlet per request and a timer greenlet."""

    def __init__(self, profile: StormProfile, name: str) -> None:
        self.profile = profile
        self.name = name
        # The tab's timer greenlet ticks on real time: the machine's timers do not tick.
        self.machine = TabMachine(profile.state, profile.process.clock, virtual_ticks=False)
        self.lock = StealableLock()  # per_tab_lock
        self._flight: AsyncResult | None = None

    @property
    def in_session(self) -> bool:
        return self.machine.in_session

    @property
    def token(self) -> AccessToken | None:
        return self.machine.token

    # -- TabPeer: what the profile's broadcast channel does to this tab ------------------

    def adopt(self, token: AccessToken) -> None:
        self.machine.adopt(token)

    def activity_seen(self) -> None:
        self.machine.timers.dismiss_idle_warning()

    def to_login(self, reason: str, message: str | None, *, redirect: bool) -> None:
        self.machine.signed_out(reason, message)

    def join(self, token: AccessToken | None) -> None:
        self.machine.join(token)

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
        for name in self.machine.fire_due(self.profile.process.clock.now()):
            self._run(self.machine.timer(name))
        self._run(self.machine.timer("tick"))

    # -- requests -------------------------------------------------------------------------

    def declared(self, purpose: Purpose, named: dict[str, str]) -> Reply | None:
        """The profile's [probe] or [action] request through the refresh algorithm.

        None when no answer is delivered (signed out, or no token and no network).
        """
        spec: Request | None = getattr(self.profile.target, purpose)
        if spec is None:
            return None
        answers: list[Reply] = []
        build = partial(self.profile.outgoing, spec, purpose, named)
        outcome = self._run(self.machine.request(), _ApiSender(self, build, answers))
        return answers[-1] if isinstance(outcome, Delivered) and answers else None

    def _run(self, flow: Flow[T], api: _ApiSender | None = None) -> T:
        """Perform the machine's actions until the flow is over."""
        try:
            step = flow.start()
            while not isinstance(step, Finished):
                step = flow.send(self._perform(step, api))
            return step.value
        finally:
            if not flow.finished:
                for action in flow.abandon():
                    self._perform(action, api)

    def _perform(self, action: Action, api: _ApiSender | None) -> MachineReply | None:
        profile, tally = self.profile, self.profile.process.tally
        match action:
            case Send(sending="api", token=token):
                assert api is not None
                return api.send(token)
            case Send(sending="refresh"):
                return profile.send_refresh()
            case AcquireLock(scope=scope, timeout_s=timeout_s):
                owned = self._lock(scope).acquire(timeout_s)
                if not owned:
                    tally.add("lock_steals")
                return LockTaken(stolen=not owned)
            case ReleaseLock(scope=scope, owned=owned):
                self._lock(scope).release(owned)
            case Sleep(seconds=seconds):
                tally.add("refresh_retries")
                gevent.sleep(seconds)
                return Woke()
            case TakeOff():
                self._flight = AsyncResult()
            case Land(token=token):
                assert self._flight is not None
                self._flight.set(token)
                self._flight = None
            case JoinFlight():
                assert self._flight is not None
                return Landed(self._flight.get())
            case Heartbeat():
                if profile.target.probe is not None:
                    self.declared("probe", {})
                return Done()
            case _:
                profile.record(action, self)
        return None

    def _lock(self, scope: LockScope) -> StealableLock:
        return self.profile.lock if scope == "profile" else self.lock


class _ApiSender:
    """The user's request of one flow: built with the token the machine names, sent, read."""

    def __init__(
        self, tab: StormTab, build: Callable[[str | None], Outgoing], answers: list[Reply]
    ) -> None:
        self._profile = tab.profile
        self._build = build
        self._answers = answers

    def send(self, token: str | None) -> Answer | NetworkFailed:
        profile = self._profile
        outgoing = self._build(token)
        try:
            reply = profile.wire.send(outgoing, name=outgoing.purpose)
        except NetworkFailure as exc:
            return NetworkFailed(str(exc))
        self._answers.append(reply)
        rejected = contract.access_rejected(profile.target, reply)
        reason = contract.reason_of(profile.target, reply, outgoing.purpose) if rejected else ""
        return Answer(reply.status, reason, rejected=rejected)


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
        self.lock = StealableLock()
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

    def send_refresh(self) -> MachineReply:
        """One try of the refresh, timed for the storm's latency figures."""
        tally, clock = self.process.tally, self.process.clock
        try:
            outgoing = self.outgoing(self.target.refresh, "refresh", {}, None)
        except MissingValue:
            return Unsendable()
        sent = time.monotonic()
        try:
            reply = self.wire.send(outgoing, name=REFRESH_NAMES.get(clock.phase, REFRESH_OTHER))
        except NetworkFailure as exc:
            return NetworkFailed(str(exc))
        tally.refresh_answered(clock.second_of_storm(), (time.monotonic() - sent) * 1000)
        if not 200 <= reply.status < 300:
            return Answer(reply.status, contract.reason_of(self.target, reply, "refresh"))
        grant = contract.read_grant(self.target, "refresh", reply, clock.now())
        # No skew: in a storm the client's clock is the app's (see StormClock).
        return Answer(reply.status, grant=grant, received_at=grant.server_time or clock.now())

    def record(self, action: Action, tab: StormTab) -> None:
        """What the tally keeps of the machine's other actions."""
        tally = self.process.tally
        match action:
            case RefreshBegins():
                tally.add("refresh_flights")
            case RefreshFails(cause="unreachable", fatal=False):
                tally.add("refresh_gave_up")
            case RefreshFails(cause="refused"):
                tally.add("refresh_refused")
            case Rejected(retried=False):
                tally.add("action_401s")
            case Touch():
                self.state.touch(self.process.clock.now(), api=True)
            case Store(token=token):
                self.renewed(token)
                self.state.broadcast(token, sender=tab)
            case SignOut(reason=reason):
                self.end_session(reason)

    def take_grant(self, reply: Reply) -> AccessToken:
        """Keep what a login (or bulk sign-in) gave."""
        clock = self.process.clock
        grant = contract.read_grant(self.target, "login", reply, clock.now())
        if grant.refresh_token is not None:
            self.state.refresh_token = grant.refresh_token
        token = AccessToken.from_grant(grant, grant.server_time or clock.now())
        self.freshest = token
        return token

    def renewed(self, token: AccessToken) -> None:
        """A refresh got `token`: count a renewal when the profile's token was due."""
        clock = self.process.clock
        if self._was_due(clock.now()):
            self.process.tally.add("renewals")
            self.last_renewal = clock.now_s()
            self._herd_done()
        self.freshest = token

    def _was_due(self, now: datetime) -> bool:
        """The profile's newest token was under the threshold: this refresh renewed it.

        Measured against the app's threshold whatever the client does (no_proactive_refresh).
        """
        fresh = self.freshest
        return fresh is None or fresh.seconds_left(now) <= self.process.plan.timing.threshold_s

    # -- the session ----------------------------------------------------------------------

    def start_session(self, reply: Reply) -> None:
        """A login (or bulk) response: the session starts in every tab."""
        token = self.take_grant(reply)
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
