"""The tab machine (harness/core/machine.py): input traces in, action traces out.

Each case names the step of docs/refresh-algorithm.md or the injected client bug it checks.
A tiny fake driver plays the profile's part: a `SignOut` signs the tab out, as the
profile's broadcast does, and a `Touch` moves the shared activity time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from harness.core import AccessToken, ClientPolicy, ProfileState
from harness.core.actions import (
    AcquireLock,
    Action,
    Adopt,
    Answer,
    Delivered,
    Done,
    Ended,
    Heartbeat,
    IdleLogout,
    JoinFlight,
    Land,
    Landed,
    LockTaken,
    NetworkFailed,
    Offline,
    Outcome,
    RefreshBegins,
    RefreshFails,
    RefreshReason,
    Rejected,
    ReleaseLock,
    Reply,
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
from harness.core.flow import Finished, Flow
from harness.core.machine import TabMachine
from harness.core.policy import BANNER_CONNECTION, DEFAULT_MESSAGES
from harness.core.timers import TimerName
from harness.target.contract import Grant

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
LIFETIME_S = 900.0  # refreshed with a fifth, 180 s, left


def token(value: str, left_s: float) -> AccessToken:
    expires = NOW + timedelta(seconds=left_s)
    return AccessToken(value, expires, None, expires, None, timedelta(0), LIFETIME_S)


def grant(value: str, *, server_ahead_s: float = 0.0) -> Grant:
    server_now = NOW + timedelta(seconds=server_ahead_s)
    return Grant(value, None, server_now + timedelta(seconds=LIFETIME_S), None, server_now)


FRESH = token("t1", 600)
DUE = token("t1", 100)  # under the threshold, still valid
EXPIRED = token("t1", -1)
OTHER = token("t-other", 800)  # what another tab of the profile refreshed meanwhile
GRANTED = Answer(200, grant=grant("t2"), received_at=NOW)
T2 = AccessToken.from_grant(grant("t2"), NOW)
TOKEN_EXPIRED = Answer(401, "token_expired", rejected=True)
DOWN = NetworkFailed("ConnectError")
EXPIRED_MESSAGE = DEFAULT_MESSAGES["refresh_expired"]


class FakeClock:
    def __init__(self, skew_s: float = 0.0) -> None:
        self.skew = timedelta(seconds=skew_s)

    def now(self) -> datetime:
        return NOW

    def local_now(self) -> datetime:
        return NOW + self.skew


@dataclass
class Setup:
    token: AccessToken | None = FRESH
    bugs: frozenset[str] = frozenset()
    shared_lock: bool = True
    proactive: bool = True
    idle_timeout_s: float | None = None
    shared_token: AccessToken | None = None  # the profile's broadcast token
    locks_held: int = 0  # other tabs inside the profile's lock
    flying: bool = False
    banner: str | None = None
    activity_after_api_s: float | None = None  # a click this long after the last API call
    api_call_ago_s: float = 120.0  # the last API call, when activity_after_api_s is set
    signed_in: bool = True

    def machine(self) -> TabMachine:
        policy = ClientPolicy(
            bugs=self.bugs,
            shared_lock=self.shared_lock,
            proactive_refresh=self.proactive,
            idle_timeout_seconds=self.idle_timeout_s,
            warning_lead_seconds=60.0,
        )
        state = ProfileState(policy)
        machine = TabMachine(state, FakeClock())
        machine.join(self.token)
        machine.in_session = state.session_open = self.signed_in
        state.token = self.shared_token or self.token
        state.refresh_locks_held = self.locks_held
        machine.flying, machine.banner = self.flying, self.banner
        if self.activity_after_api_s is not None:
            state.last_api_call = NOW - timedelta(seconds=self.api_call_ago_s)
            state.last_activity = state.last_api_call + timedelta(seconds=self.activity_after_api_s)
        return machine


@dataclass(frozen=True)
class SignedOutMeanwhile:
    """While the flow waits, another tab signs the profile out; then `reply` arrives."""

    reply: Reply
    reason: str = "refresh_reused"


Step = Reply | SignedOutMeanwhile
Trace = list[Action | Finished[Outcome | None]]


def drive(machine: TabMachine, flow: Flow[Outcome] | Flow[None], replies: list[Step]) -> Trace:
    """Perform each action as a driver would, answering those that wait from `replies`."""
    trace: Trace = []
    queue = list(replies)
    step: Action | Finished[Outcome] | Finished[None] = flow.start()
    while not isinstance(step, Finished):
        trace.append(step)
        reply: Reply | None = None
        if isinstance(step, SignOut):
            machine.signed_out(step.reason, step.message)
        elif isinstance(step, Touch):
            machine.state.touch(NOW, api=True)
        elif step.awaits:
            given = queue.pop(0)
            if isinstance(given, SignedOutMeanwhile):
                machine.signed_out(given.reason, "ended elsewhere")
                given = given.reply
            reply = given
        step = flow.send(reply)
    trace.append(step)
    assert not queue, f"replies left over: {queue}"
    return trace


def refresh_ok(reason: RefreshReason = "proactive") -> Trace:
    """TakeOff, the lock, one refresh granted `T2`, release, land."""
    return [
        TakeOff(),
        AcquireLock("profile", 10.0),
        RefreshBegins(reason),
        Send("refresh", "t1"),
        Store(T2),
        ReleaseLock("profile", True),
        Land(T2),
    ]


BACKOFF = [
    Sleep(1.0, 1, "ConnectError"),
    Sleep(2.0, 2, "ConnectError"),
    Sleep(4.0, 3, "ConnectError"),
]


def sends_with_backoff() -> Trace:
    """The four tries of a refresh whose every try fails on the network."""
    return [
        Send("refresh", "t1"),
        BACKOFF[0],
        Send("refresh", "t1"),
        BACKOFF[1],
        Send("refresh", "t1"),
        BACKOFF[2],
        Send("refresh", "t1"),
    ]


FOUR_FAILURES: list[Step] = [DOWN, Woke(), DOWN, Woke(), DOWN, Woke(), DOWN]
REFUSED_THRICE_WITH_PAUSES: list[Step] = [Answer(403, "csrf_failed"), Woke()] * 3


@dataclass(frozen=True)
class Case:
    setup: Setup
    replies: list[Step]
    expected: Trace
    timer: TimerName | None = None  # None: a user's request
    after: Callable[[TabMachine], bool] = field(default=lambda _machine: True)


REQUEST_CASES = {
    "ensure_fresh step 1: a token with time left is used as it is": Case(
        Setup(), [Answer(200)], [Touch(), Send("api", "t1"), Finished(Delivered())]
    ),
    "ensure_fresh step 2: a token under the threshold is refreshed first": Case(
        Setup(token=DUE),
        [LockTaken(), GRANTED, Answer(200)],
        [Touch(), *refresh_ok(), Send("api", "t2"), Finished(Delivered())],
    ),
    "regression no_proactive_refresh: a token under the threshold is used as it is": Case(
        Setup(token=DUE, proactive=False),
        [Answer(200)],
        [Touch(), Send("api", "t1"), Finished(Delivered())],
    ),
    "ensure_fresh: a refresh failed on the network leaves the old token to use": Case(
        Setup(token=DUE),
        [LockTaken(), *FOUR_FAILURES, Answer(200)],
        [
            Touch(),
            TakeOff(),
            AcquireLock("profile", 10.0),
            RefreshBegins("proactive"),
            *sends_with_backoff(),
            RefreshFails("ConnectError", fatal=False, cause="unreachable"),
            ShowBanner(BANNER_CONNECTION),
            ReleaseLock("profile", True),
            Land(None),
            Send("api", "t1"),
            Finished(Delivered()),
        ],
        after=lambda machine: machine.banner == BANNER_CONNECTION,
    ),
    "ensure_fresh: an expired token and no network is a connection problem": Case(
        Setup(token=EXPIRED, banner=BANNER_CONNECTION),
        [LockTaken(), *FOUR_FAILURES],
        [
            Touch(),
            TakeOff(),
            AcquireLock("profile", 10.0),
            RefreshBegins("proactive"),
            *sends_with_backoff(),
            RefreshFails(
                "ConnectError", fatal=False, cause="unreachable"
            ),  # the banner shows already
            ReleaseLock("profile", True),
            Land(None),
            Finished(Offline(BANNER_CONNECTION)),
        ],
    ),
    "refresh step 1: a refresh in flight in the tab is joined": Case(
        Setup(token=DUE, flying=True),
        [Landed(T2), Answer(200)],
        [Touch(), JoinFlight(), Send("api", "t2"), Finished(Delivered())],
    ),
    "refresh step 2: a lock taken from a frozen holder is not released": Case(
        Setup(token=DUE),
        [LockTaken(stolen=True), GRANTED, Answer(200)],
        [
            Touch(),
            TakeOff(),
            AcquireLock("profile", 10.0),
            RefreshBegins("proactive"),
            Send("refresh", "t1"),
            Store(T2),
            ReleaseLock("profile", False),
            Land(T2),
            Send("api", "t2"),
            Finished(Delivered()),
        ],
        after=lambda machine: machine.state.refresh_locks_held == 0,
    ),
    "refresh step 3: the re-check adopts the token another tab got": Case(
        Setup(token=DUE, shared_token=OTHER),
        [LockTaken(), Answer(200)],
        [
            Touch(),
            TakeOff(),
            AcquireLock("profile", 10.0),
            Adopt(OTHER),
            ReleaseLock("profile", True),
            Land(OTHER),
            Send("api", "t-other"),
            Finished(Delivered()),
        ],
    ),
    "bug no_lock_recheck: the token another tab got is refreshed again": Case(
        Setup(token=DUE, shared_token=OTHER, bugs=frozenset({"no_lock_recheck"})),
        [LockTaken(), GRANTED, Answer(200)],
        [Touch(), *refresh_ok(), Send("api", "t2"), Finished(Delivered())],
    ),
    "regression per_tab_lock: the tab's own lock, its own token re-checked": Case(
        Setup(token=DUE, shared_token=OTHER, shared_lock=False),
        [LockTaken(), GRANTED, Answer(200)],
        [
            Touch(),
            TakeOff(),
            AcquireLock("tab", 10.0),
            RefreshBegins("proactive"),
            Send("refresh", "t1"),
            Store(T2),
            ReleaseLock("tab", True),
            Land(T2),
            Send("api", "t2"),
            Finished(Delivered()),
        ],
    ),
    "refresh step 5: a 5xx is retried after the first delay": Case(
        Setup(token=DUE),
        [LockTaken(), Answer(503), Woke(), GRANTED, Answer(200)],
        [
            Touch(),
            TakeOff(),
            AcquireLock("profile", 10.0),
            RefreshBegins("proactive"),
            Send("refresh", "t1"),
            Sleep(1.0, 1, "http_503"),
            Send("refresh", "t1"),
            Store(T2),
            ReleaseLock("profile", True),
            Land(T2),
            Send("api", "t2"),
            Finished(Delivered()),
        ],
    ),
    "refresh step 5: a profile signed out during the backoff stops the retries": Case(
        Setup(token=EXPIRED),
        [LockTaken(), DOWN, SignedOutMeanwhile(Woke())],
        [
            Touch(),
            TakeOff(),
            AcquireLock("profile", 10.0),
            RefreshBegins("proactive"),
            Send("refresh", "t1"),
            BACKOFF[0],
            ReleaseLock("profile", True),
            Land(None),
            Finished(Ended("refresh_reused", "ended elsewhere")),
        ],
    ),
    "bug network_error_signs_out: the last failed try signs the user out": Case(
        Setup(token=EXPIRED, bugs=frozenset({"network_error_signs_out"})),
        [LockTaken(), *FOUR_FAILURES],
        [
            Touch(),
            TakeOff(),
            AcquireLock("profile", 10.0),
            RefreshBegins("proactive"),
            *sends_with_backoff(),
            RefreshFails("ConnectError", fatal=True, cause="unreachable"),
            SignOut("ConnectError", DEFAULT_MESSAGES.get("ConnectError", "Please sign in again.")),
            ReleaseLock("profile", True),
            Land(None),
            Finished(Ended("ConnectError", "Please sign in again.")),
        ],
    ),
    "refresh step 5: a rate limit (429) is tried again after the backoff": Case(
        Setup(token=DUE),
        [LockTaken(), Answer(429, "rate_limited"), Woke(), GRANTED, Answer(200)],
        [
            Touch(),
            TakeOff(),
            AcquireLock("profile", 10.0),
            RefreshBegins("proactive"),
            Send("refresh", "t1"),
            Sleep(1.0, 1, "http_429"),
            Send("refresh", "t1"),
            Store(T2),
            ReleaseLock("profile", True),
            Land(T2),
            Send("api", "t2"),
            Finished(Delivered()),
        ],
    ),
    "bug refusal_retried: a final refusal is retried, then shown as a connection problem": Case(
        Setup(token=DUE, bugs=frozenset({"refusal_retried"})),
        [LockTaken(), *REFUSED_THRICE_WITH_PAUSES, Answer(403, "csrf_failed"), Answer(200)],
        [
            Touch(),
            TakeOff(),
            AcquireLock("profile", 10.0),
            RefreshBegins("proactive"),
            Send("refresh", "t1"),
            Sleep(1.0, 1, "http_403"),
            Send("refresh", "t1"),
            Sleep(2.0, 2, "http_403"),
            Send("refresh", "t1"),
            Sleep(4.0, 3, "http_403"),
            Send("refresh", "t1"),
            RefreshFails("http_403", fatal=False, cause="unreachable"),
            ShowBanner(BANNER_CONNECTION),
            ReleaseLock("profile", True),
            Land(None),
            Send("api", "t1"),
            Finished(Delivered()),
        ],
    ),
    "refresh step 6: a refused refresh signs out with the code's message": Case(
        Setup(token=DUE),
        [LockTaken(), Answer(401, "refresh_expired")],
        [
            Touch(),
            TakeOff(),
            AcquireLock("profile", 10.0),
            RefreshBegins("proactive"),
            Send("refresh", "t1"),
            RefreshFails("refresh_expired", fatal=True, cause="refused"),
            SignOut("refresh_expired", EXPIRED_MESSAGE),
            ReleaseLock("profile", True),
            Land(None),
            Finished(Ended("refresh_expired", EXPIRED_MESSAGE)),
        ],
    ),
    "refresh step 6: nothing to refresh with signs out": Case(
        Setup(token=EXPIRED),
        [LockTaken(), Unsendable()],
        [
            Touch(),
            TakeOff(),
            AcquireLock("profile", 10.0),
            RefreshBegins("proactive"),
            Send("refresh", "t1"),
            RefreshFails("refresh_missing", fatal=True, cause="missing"),
            SignOut("refresh_missing", "Please sign in again."),
            ReleaseLock("profile", True),
            Land(None),
            Finished(Ended("refresh_missing", "Please sign in again.")),
        ],
    ),
    "bug refresh_of_refresh: a refused refresh is refreshed again": Case(
        Setup(token=DUE, bugs=frozenset({"refresh_of_refresh"})),
        [LockTaken(), *[Answer(401, "refresh_reused")] * 4],
        [
            Touch(),
            TakeOff(),
            AcquireLock("profile", 10.0),
            RefreshBegins("proactive"),
            *[Send("refresh", "t1")] * 4,
            RefreshFails("refresh_reused", fatal=True, cause="refused"),
            SignOut("refresh_reused", DEFAULT_MESSAGES["refresh_reused"]),
            ReleaseLock("profile", True),
            Land(None),
            Finished(Ended("refresh_reused", DEFAULT_MESSAGES["refresh_reused"])),
        ],
    ),
    "requests step 3: a refused token is refreshed once and the request retried": Case(
        Setup(),
        [TOKEN_EXPIRED, LockTaken(), GRANTED, Answer(200)],
        [
            Touch(),
            Send("api", "t1"),
            Rejected("token_expired", retried=False),
            *refresh_ok("reactive"),
            Send("api", "t2"),
            Finished(Delivered()),
        ],
    ),
    "requests step 3: a second refusal is delivered, not retried again": Case(
        Setup(),
        [TOKEN_EXPIRED, LockTaken(), GRANTED, TOKEN_EXPIRED],
        [
            Touch(),
            Send("api", "t1"),
            Rejected("token_expired", retried=False),
            *refresh_ok("reactive"),
            Send("api", "t2"),
            Rejected("token_expired", retried=True),
            Finished(Delivered()),
        ],
    ),
    "requests step 3: a refusal just before a refresh waits for that refresh": Case(
        Setup(flying=True),
        [TOKEN_EXPIRED, Landed(T2), Answer(200)],
        [
            Touch(),
            Send("api", "t1"),
            Rejected("token_expired", retried=False),
            JoinFlight(),
            Send("api", "t2"),
            Finished(Delivered()),
        ],
    ),
    "bug drop_early_401: a refusal during another tab's refresh is given up": Case(
        Setup(locks_held=1, bugs=frozenset({"drop_early_401"})),
        [TOKEN_EXPIRED],
        [
            Touch(),
            Send("api", "t1"),
            Rejected("token_expired", retried=False),
            Finished(Delivered()),
        ],
    ),
    "requests step 3: a refresh that fails on the network is a connection problem": Case(
        Setup(),
        [TOKEN_EXPIRED, LockTaken(), *FOUR_FAILURES],
        [
            Touch(),
            Send("api", "t1"),
            Rejected("token_expired", retried=False),
            TakeOff(),
            AcquireLock("profile", 10.0),
            RefreshBegins("reactive"),
            *sends_with_backoff(),
            RefreshFails("ConnectError", fatal=False, cause="unreachable"),
            ShowBanner(BANNER_CONNECTION),
            ReleaseLock("profile", True),
            Land(None),
            Finished(Offline(BANNER_CONNECTION)),
        ],
    ),
    "requests step 4: a refused session signs out without a refresh": Case(
        Setup(),
        [Answer(401, "session_revoked", rejected=True)],
        [
            Touch(),
            Send("api", "t1"),
            Rejected("session_revoked", retried=False),
            SignOut("session_revoked", DEFAULT_MESSAGES["session_revoked"]),
            Finished(Ended("session_revoked", DEFAULT_MESSAGES["session_revoked"])),
        ],
    ),
    "requests: an answer that is no token refusal is delivered": Case(
        Setup(), [Answer(403, "forbidden")], [Touch(), Send("api", "t1"), Finished(Delivered())]
    ),
    "requests: a network failure on the request is a connection problem": Case(
        Setup(), [DOWN], [Touch(), Send("api", "t1"), Finished(Offline("ConnectError"))]
    ),
    "requests: a tab on the login page sends nothing": Case(
        Setup(signed_in=False), [], [Finished(Ended("signed_out", None))]
    ),
}

TIMER_CASES = {
    "tick: a token with time left is kept": Case(Setup(), [], [Finished(None)], timer="tick"),
    "tick: a token under the threshold is refreshed": Case(
        Setup(token=DUE), [LockTaken(), GRANTED], [*refresh_ok("timer"), Finished(None)], "tick"
    ),
    "tick: skipped while another tab holds the lock": Case(
        Setup(token=DUE, locks_held=1), [], [Finished(None)], timer="tick"
    ),
    "tick: skipped while the tab's own refresh is in flight": Case(
        Setup(token=DUE, flying=True), [], [Finished(None)], timer="tick"
    ),
    "regression no_proactive_refresh: no timer work at all": Case(
        Setup(token=DUE, proactive=False), [], [Finished(None)], timer="tick"
    ),
    "heartbeat: clicks after the last API call are told to the server": Case(
        Setup(idle_timeout_s=600, activity_after_api_s=30),
        [Done()],
        [Heartbeat(), Finished(None)],
        timer="tick",
        after=lambda machine: not machine.state.heartbeat_inflight,
    ),
    "heartbeat: none while the connection banner shows": Case(
        Setup(idle_timeout_s=600, activity_after_api_s=30, banner=BANNER_CONNECTION),
        [],
        [Finished(None)],
        timer="tick",
    ),
    "bug no_heartbeat: clicks are never told to the server": Case(
        Setup(idle_timeout_s=600, activity_after_api_s=30, bugs=frozenset({"no_heartbeat"})),
        [],
        [Finished(None)],
        timer="tick",
    ),
    "heartbeat: none within heartbeat_max_seconds of the last API call": Case(
        Setup(idle_timeout_s=600, activity_after_api_s=5, api_call_ago_s=30),
        [],
        [Finished(None)],
        timer="tick",
    ),
    "bug heartbeat_every_activity: a click right after an API call is a heartbeat": Case(
        Setup(
            idle_timeout_s=600,
            activity_after_api_s=5,
            api_call_ago_s=30,
            bugs=frozenset({"heartbeat_every_activity"}),
        ),
        [Done()],
        [Heartbeat(), Finished(None)],
        timer="tick",
    ),
    "idle timeout: the client signs out on its own": Case(
        Setup(idle_timeout_s=600),
        [],
        [
            IdleLogout(),
            SignOut("session_idle", DEFAULT_MESSAGES["session_idle"]),
            Finished(None),
        ],
        timer="idle_logout",
    ),
    "absolute end: the client signs out without waiting for a refusal": Case(
        Setup(),
        [],
        [SignOut("session_expired", DEFAULT_MESSAGES["session_expired"]), Finished(None)],
        timer="absolute_end",
    ),
    "idle warning: shown with the time left": Case(
        Setup(idle_timeout_s=600, activity_after_api_s=0),
        [],
        [ShowWarning("idle", 480.0), Finished(None)],
        timer="idle_warning",
    ),
}


@pytest.mark.parametrize("case", [*REQUEST_CASES.values()], ids=[*REQUEST_CASES])
def test_request_trace(case: Case) -> None:
    machine = case.setup.machine()
    assert drive(machine, machine.request(), case.replies) == case.expected
    assert case.after(machine)
    assert machine.flying is case.setup.flying  # a flight of its own has landed


@pytest.mark.parametrize("case", [*TIMER_CASES.values()], ids=[*TIMER_CASES])
def test_timer_trace(case: Case) -> None:
    machine = case.setup.machine()
    assert case.timer is not None
    assert drive(machine, machine.timer(case.timer), case.replies) == case.expected
    assert case.after(machine)


def test_timers_on_the_login_page_do_nothing() -> None:
    machine = Setup(token=DUE).machine()
    machine.signed_out("logout", None)
    assert drive(machine, machine.timer("tick"), []) == [Finished(None)]
    assert machine.fire_due(NOW + timedelta(hours=1)) == []


def test_bug_ignore_clock_skew_keeps_the_expiry_on_the_servers_clock() -> None:
    ahead = Answer(200, grant=grant("t2", server_ahead_s=600), received_at=NOW)
    stored: dict[bool, AccessToken] = {}
    for bugged in (False, True):
        machine = Setup(
            token=DUE, bugs=frozenset({"ignore_clock_skew"} if bugged else ())
        ).machine()
        trace = drive(machine, machine.request(), [LockTaken(), ahead, Answer(200)])
        stored[bugged] = next(a.token for a in trace if isinstance(a, Store))
    # The server is 10 minutes ahead: its expiry is 10 minutes earlier on the client's clock.
    assert stored[False].local_expires_at == NOW + timedelta(seconds=LIFETIME_S)
    assert stored[True].local_expires_at == NOW + timedelta(seconds=LIFETIME_S + 600)


def test_bug_no_expiry_warning_schedules_no_warning() -> None:
    for bugs, warns in ((frozenset(), True), (frozenset({"no_expiry_warning"}), False)):
        machine = Setup(idle_timeout_s=600, bugs=bugs).machine()
        machine.state.touch(NOW)
        due = machine.fire_due(NOW + timedelta(seconds=540))
        assert ("idle_warning" in due) is warns


def test_a_driver_that_ticks_itself_gets_no_tick_from_the_timers() -> None:
    state = ProfileState(ClientPolicy())
    machine = TabMachine(state, FakeClock(), virtual_ticks=False)
    machine.join(FRESH)
    assert machine.fire_due(NOW + timedelta(hours=1)) == []


def test_a_broadcast_token_is_adopted_once_and_clears_the_banner() -> None:
    machine = Setup(banner=BANNER_CONNECTION).machine()
    assert machine.adopt(OTHER)
    assert machine.token is OTHER and machine.banner is None
    assert not machine.adopt(OTHER)


def test_an_abandoned_flow_lets_go_of_the_lock_and_lands_its_flight() -> None:
    machine = Setup(token=DUE).machine()
    flow = machine.request()
    step = flow.start()
    while not isinstance(step, AcquireLock):
        step = flow.send(None)
    flow.send(LockTaken())  # now inside the lock, sending the refresh
    assert machine.state.refresh_locks_held == 1
    assert flow.abandon() == [ReleaseLock("profile", True), Land(None)]
    assert machine.state.refresh_locks_held == 0 and not machine.flying


def test_an_abandoned_flow_that_joined_a_flight_leaves_it_flying() -> None:
    machine = Setup(token=DUE, flying=True).machine()
    flow = machine.request()
    assert flow.start() == Touch()
    assert flow.send(None) == JoinFlight()
    assert flow.abandon() == []
    assert machine.flying


@pytest.mark.parametrize("shared_lock", [True, False])
def test_a_tab_opened_in_a_signed_in_profile_shares_its_session(shared_lock: bool) -> None:
    state = ProfileState(ClientPolicy(shared_lock=shared_lock))
    state.session_open, state.token = True, FRESH
    machine = TabMachine(state, FakeClock())
    machine.opened()
    assert machine.in_session
    assert machine.token is (FRESH if shared_lock else None)  # per_tab_lock: its own token
