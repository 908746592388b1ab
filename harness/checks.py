"""Session checks over recorded events: the assertions every scenario is built from.

Each check raises `CheckFailed` (an AssertionError, so pytest reports it as a failure) with a
message naming the events that broke it, and returns quietly otherwise.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from harness.core.policy import ClientPolicy
from harness.events import (
    BannerShown,
    E,
    Event,
    IdleLogout,
    LoggedIn,
    Recorder,
    RedirectToLogin,
    RefreshFailed,
    RefreshSucceeded,
    RequestSent,
    ResponseReceived,
    Rotation,
    Unauthorized,
    WarningShown,
)
from harness.target.contract import message_of, reason_of
from harness.target.locations import Reply
from harness.target.model import Policy, TargetProfile
from harness.target.promise import Promise
from harness.target.session_view import SessionRecord

# Requests that are session plumbing, not user activity, by their purpose in the profile.
NOT_ACTIVITY = frozenset({"login", "refresh", "logout", "logout_all", "config"})
# Tokens carry whole seconds (`exp`, `iat`); the response times may keep their fraction.
TTL_TOLERANCE_S = 1.0


class CheckFailed(AssertionError):
    """A session check found behaviour the story forbids."""


def _describe(events: Iterable[Event]) -> str:
    return "; ".join(
        f"{e.kind} at {e.at.isoformat()} [{e.profile}/{e.tab}] "
        + ", ".join(
            f"{k}={v}"
            for k, v in e.to_dict().items()
            if k not in {"kind", "at", "wall", "profile", "tab", "source"}
        )
        for e in events
    )


def _select(recorder: Recorder, kind: type[E], profile: str | None) -> list[E]:
    return [e for e in recorder.of_kind(kind) if profile is None or e.profile == profile]


def no_redirect_to_login(recorder: Recorder, *, profile: str | None = None) -> None:
    """AC1: nobody was sent to the login page."""
    redirects = _select(recorder, RedirectToLogin, profile)
    if redirects:
        raise CheckFailed(f"{len(redirects)} redirect(s) to login: {_describe(redirects)}")


def redirected_to_login(
    recorder: Recorder, *, reason: str | None = None, profile: str | None = None
) -> RedirectToLogin:
    """AC4: the user was sent to login, with a message, for the expected reason."""
    redirects = _select(recorder, RedirectToLogin, profile)
    if not redirects:
        raise CheckFailed("expected a redirect to login, saw none")
    first = redirects[0]
    if reason is not None and first.reason != reason:
        raise CheckFailed(f"redirected for {first.reason!r}, expected {reason!r}")
    if not first.message:
        raise CheckFailed("redirected to login without a message")
    return first


def says(policy: ClientPolicy, reason: str, shown: str | None) -> None:
    """The login page's message after a sign-out for `reason`: the app's words for it where
    they are known (served texts, the simulated client's), else any message at all."""
    if policy.known and shown != policy.message_for(reason):
        raise CheckFailed(
            f"the login page said {shown!r}; for {reason} the app says "
            f"{policy.message_for(reason)!r}"
        )
    if not shown:
        raise CheckFailed(f"the login page showed no message after {reason}")


def banner_says_connection_problem(policy: ClientPolicy, shown: str | None) -> None:
    """The connection-problem banner is on screen (with the app's words where known)."""
    if shown is None:
        raise CheckFailed("no connection-problem banner is shown")
    if policy.known and shown != policy.banner_connection:
        raise CheckFailed(f"the banner says {shown!r}, not {policy.banner_connection!r}")


def refusal_explained(profile: TargetProfile, reply: Reply, *, label: str = "") -> None:
    """A refusal carries words for the user where the profile says ([errors].message): the
    login page shows the app's message, and a blank one leaves the user guessing."""
    if profile.errors.message is None:
        return  # the profile does not say where the app's message is: nothing to judge
    if reply.status >= 400 and message_of(profile, reply) is None:
        where = f"{label}: " if label else ""
        raise CheckFailed(
            f"{where}the app refused with {reply.status} and no message at {profile.errors.message}"
        )


def access_refused(
    promise: Promise, reply: Reply, reasons: Iterable[str], *, label: str = ""
) -> None:
    """An access token the app must refuse: with one of the profile's rejection statuses
    (never a server error), for one of `reasons` where its refusals can say why, in words."""
    where = f"{label}: " if label else ""
    if reply.status >= 500:
        raise CheckFailed(f"{where}a server error ({reply.status}) instead of a refusal")
    if reply.status not in promise.profile.access.rejected_status:
        raise CheckFailed(f"{where}answered {reply.status}")
    expected = {reason for reason in reasons if promise.reason(reason) is not None}
    said = reason_of(promise.profile, reply, "probe")
    if expected and said not in expected:
        raise CheckFailed(f"{where}refused as {said}")
    refusal_explained(promise.profile, reply, label=label)


def refresh_requests(recorder: Recorder) -> Counter[str]:
    """Refresh requests sent, per profile."""
    return Counter(e.profile for e in recorder.of_kind(RequestSent) if e.purpose == "refresh")


def refreshes_per_profile(recorder: Recorder, expected: int, *, profile: str | None = None) -> None:
    """Multi-tab: exactly `expected` refresh requests per profile (single flight)."""
    counts = refresh_requests(recorder)
    profiles = [profile] if profile is not None else sorted(counts) or [""]
    wrong = {p: counts.get(p, 0) for p in profiles if counts.get(p, 0) != expected}
    if wrong:
        raise CheckFailed(f"expected {expected} refresh request(s) per profile, saw {wrong}")


def no_unauthorized(recorder: Recorder, *, profile: str | None = None) -> None:
    """AC2/AC3: proactive refresh means API calls never meet a 401."""
    seen = _select(recorder, Unauthorized, profile)
    if seen:
        raise CheckFailed(f"{len(seen)} request(s) answered 401: {_describe(seen)}")


def no_fatal_refresh_failure(recorder: Recorder, *, profile: str | None = None) -> None:
    fatal = [e for e in _select(recorder, RefreshFailed, profile) if e.fatal]
    if fatal:
        raise CheckFailed(f"fatal refresh failure: {_describe(fatal)}")


def warning_shown_before(recorder: Recorder, warning: str, *, profile: str | None = None) -> None:
    """AC7: a warning of this kind came before the sign-out it announces."""
    warnings = [e for e in _select(recorder, WarningShown, profile) if e.warning == warning]
    ends = _select(recorder, RedirectToLogin, profile) + _select(recorder, IdleLogout, profile)
    if not warnings:
        raise CheckFailed(f"no {warning!r} warning was shown")
    if ends and min(e.at for e in ends) <= warnings[0].at:
        raise CheckFailed(f"the {warning!r} warning came after the sign-out")


def _issued(recorder: Recorder, profile: str | None) -> list[LoggedIn | RefreshSucceeded]:
    """Every access token a profile received from the server (login or refresh), in order."""
    return [
        e
        for e in recorder
        if isinstance(e, LoggedIn | RefreshSucceeded) and profile in (None, e.profile)
    ]


def refreshed_before_expiry(recorder: Recorder, *, profile: str | None = None) -> None:
    """AC2: a token still in use after its expiry had been replaced by a refresh before it."""
    last_request: dict[str, datetime] = {}
    refreshes: dict[str, list[datetime]] = defaultdict(list)
    for e in recorder:
        if isinstance(e, RequestSent):
            last_request[e.profile] = max(e.at, last_request.get(e.profile, e.at))
        elif isinstance(e, RefreshSucceeded):
            refreshes[e.profile].append(e.at)
    late: list[Event] = []
    for token in _issued(recorder, profile):
        expires = token.access_expires_at
        if expires is None:
            continue  # the app never told when this token expires: nothing to judge
        if token.profile not in last_request or last_request[token.profile] < expires:
            continue  # nobody used the app after this token expired
        times = refreshes[token.profile]  # in time order
        later = bisect_left(times, expires) - bisect_left(times, token.at)
        if isinstance(token, RefreshSucceeded):
            later -= 1  # the token's own refresh is not its replacement
        if later < 1:
            late.append(token)
    if late:
        raise CheckFailed(
            f"{len(late)} access token(s) expired before a refresh replaced them: {_describe(late)}"
        )


def no_interruption(recorder: Recorder, *, profile: str | None = None) -> None:
    """AC3: nothing reached the user's screen: no redirect, no error banner, no warning."""
    seen = [
        e
        for kind in (RedirectToLogin, BannerShown, WarningShown)
        for e in _select(recorder, kind, profile)
    ]
    if seen:
        raise CheckFailed(
            f"the user was interrupted {len(seen)} time(s): "
            f"{_describe(sorted(seen, key=lambda e: e.at))}"
        )


def access_ttl_everywhere(
    recorder: Recorder, ttl_seconds: float, *, profile: str | None = None
) -> None:
    """Every issuing path (login, rotation, grace re-issue) gives access tokens the same TTL."""
    issued = _issued(recorder, profile)
    if not issued:
        raise CheckFailed("no access token was issued")
    unknown = [e for e in issued if e.access_expires_at is None]
    if unknown:
        raise CheckFailed(f"the app did not tell when these tokens expire: {_describe(unknown)}")
    wrong = [
        e
        for e in issued
        if e.access_expires_at is not None
        and abs((e.access_expires_at - e.at).total_seconds() - ttl_seconds) > TTL_TOLERANCE_S
    ]
    if wrong:
        raise CheckFailed(
            f"expected every access token to live {ttl_seconds:g} s: {_describe(wrong)}"
        )


def signed_out_only_after_idle(
    recorder: Recorder, idle_seconds: float, *, profile: str | None = None
) -> None:
    """AC6: every sign-out for inactivity came `idle_seconds` or more after the last API call."""
    last_call: dict[str, datetime] = {}
    early: list[Event] = []
    for e in recorder:
        if profile not in (None, e.profile):
            continue
        if isinstance(e, RequestSent) and e.purpose not in NOT_ACTIVITY:
            last_call[e.profile] = e.at
        elif isinstance(e, RedirectToLogin) and e.reason == "session_idle":
            last = last_call.get(e.profile)
            if last is not None and (e.at - last).total_seconds() < idle_seconds:
                early.append(e)
    if early:
        raise CheckFailed(
            f"signed out for inactivity less than {idle_seconds:g} s after the "
            f"last API call: {_describe(early)}"
        )


# -- the server's side (the session view) ------------------------------------------------
# Each takes the SessionRecord that `server_view.session(profile)` read; None means the
# target has no session view: the fixture already reported those checks not applicable.

# Requests the server does not count as activity: refreshing and signing out are plumbing.
SERVER_PLUMBING = frozenset({"refresh", "logout", "config"})


def _at(moment: datetime | None) -> str:
    return "never" if moment is None else moment.isoformat()


def rotated_once_per_generation(
    record: SessionRecord | None, recorder: Recorder | None = None, *, profile: str | None = None
) -> None:
    """Each generation of the refresh token came from exactly one rotation on the server
    (none twice under concurrent refreshes, none skipped), and the audit trail's rotation
    events name generations 1, 2, ... in order; with `recorder`, the client was handed each
    of them (its rotations equal the server's generation)."""
    if record is None:
        return
    rotations = record.events_of("rotation")
    generations = Counter(e.details.get("generation") for e in rotations)
    twice = sorted(g for g, n in generations.items() if n > 1 and isinstance(g, int))
    if twice:
        raise CheckFailed(f"session {record.sid}: generation(s) {twice} rotated more than once")
    if record.rotations != record.generation or len(rotations) != record.generation:
        raise CheckFailed(
            f"session {record.sid}: generation {record.generation} after "
            f"{record.rotations} rotation(s) ({len(rotations)} in the audit trail)"
        )
    named = [e.details.get("generation") for e in rotations]
    if named != list(range(1, record.generation + 1)):
        # The trail is the evidence of an incident: each rotation must say which it made.
        raise CheckFailed(
            f"session {record.sid}: its rotation events name generations {named}, "
            f"expected 1 to {record.generation} in order"
        )
    if recorder is not None:
        seen = len(_select(recorder, Rotation, profile))
        if seen != record.generation:
            raise CheckFailed(
                f"the client saw {seen} rotation(s), the server made {record.generation}"
            )


def server_saw_activity(
    record: SessionRecord | None, recorder: Recorder, *, profile: str | None = None
) -> None:
    """The server's last activity is the client's last API call: what the user did reached
    it (heartbeats and "Stay signed in" included), and no refresh or logout counted."""
    if record is None or record.last_activity is None:
        return
    answered = [
        e.at
        for e in _select(recorder, ResponseReceived, profile)
        if e.purpose not in SERVER_PLUMBING and e.status < 400
    ]
    sent = [
        e.at for e in _select(recorder, RequestSent, profile) if e.purpose not in SERVER_PLUMBING
    ]
    tolerance = timedelta(seconds=TTL_TOLERANCE_S)
    if answered and record.last_activity < max(answered) - tolerance:
        raise CheckFailed(
            f"the server last saw activity at {_at(record.last_activity)}, but it answered "
            f"an API call of the user at {_at(max(answered))}"
        )
    if sent and record.last_activity > max(sent) + tolerance:
        raise CheckFailed(
            f"the server counted activity at {_at(record.last_activity)}, after the user's "
            f"last API call at {_at(max(sent))} (a refresh or logout counted as activity?)"
        )


def server_revoked(record: SessionRecord | None, reason: str | None = None) -> None:
    """The server ended the session, for `reason` (logout, session_idle, refresh_reused...)."""
    if record is None:
        return
    if not record.revoked:
        raise CheckFailed(f"session {record.sid} is still open on the server")
    if reason is not None and record.revoked_reason != reason:
        raise CheckFailed(
            f"session {record.sid} was ended for {record.revoked_reason!r}, expected {reason!r}"
        )


def server_kept_session(record: SessionRecord | None) -> None:
    """The server still holds the session open: not revoked, and no deadline passed."""
    if record is None:
        return
    if record.revoked:
        raise CheckFailed(f"the server ended session {record.sid} ({record.revoked_reason})")
    now = record.read_at
    deadlines = {
        "idle": record.idle_expires_at,
        "refresh": record.refresh_expires_at,
        "absolute": record.session_expires_at,
    }
    passed = [f"{k} {_at(v)}" for k, v in deadlines.items() if now and v and v <= now]
    if passed:
        raise CheckFailed(f"session {record.sid} is past its deadline(s) at {_at(now)}: {passed}")


def server_deadlines_as_promised(record: SessionRecord | None, policy: Policy) -> None:
    """The server's deadlines follow the promise: the absolute end is the login plus the
    absolute lifetime; the refresh expiry slides from the last rotation (or is fixed from
    the login) and never passes the absolute end; the idle deadline follows the last activity."""
    if record is None:
        return
    wrong = [
        f"{name} is {_at(actual)}, promised {_at(expected)}"
        for name, actual, expected in _promised_deadlines(record, policy)
        if actual is None or abs((actual - expected).total_seconds()) > TTL_TOLERANCE_S
    ]
    if wrong:
        raise CheckFailed(f"session {record.sid}: " + "; ".join(wrong))


def _promised_deadlines(
    record: SessionRecord, policy: Policy
) -> list[tuple[str, datetime | None, datetime]]:
    found: list[tuple[str, datetime | None, datetime]] = []
    end = record.session_expires_at
    if policy.absolute_seconds:
        absolute = record.created_at + timedelta(seconds=policy.absolute_seconds)
        found.append(("the absolute end", end, absolute))
        end = absolute
    if policy.refresh_ttl_seconds and policy.refresh_expiry is not None:
        sliding = policy.refresh_expiry == "sliding" and record.rotated_at is not None
        base = record.rotated_at if sliding and record.rotated_at else record.created_at
        expiry = base + timedelta(seconds=policy.refresh_ttl_seconds)
        found.append(("the refresh expiry", record.refresh_expires_at, min(expiry, end or expiry)))
    if policy.idle_timeout_seconds and record.last_activity is not None:
        idle = record.last_activity + timedelta(seconds=policy.idle_timeout_seconds)
        found.append(("the idle deadline", record.idle_expires_at, idle))
    return found


def server_logged(record: SessionRecord | None, *kinds: str) -> None:
    """The session's audit trail holds these security events in this order (others between
    them allowed), each naming the session's user: a reuse, a logout, an idle or absolute end
    leave their trace (ASVS V16: who, what, when)."""
    if record is None:
        return
    trail = iter(event.kind for event in record.events)
    missing = [kind for kind in kinds if kind not in trail]  # `in` consumes: order matters
    if missing:
        seen = ", ".join(event.kind for event in record.events) or "nothing"
        raise CheckFailed(
            f"session {record.sid}: the audit trail lacks {missing} in order (it has: {seen})"
        )
    anonymous = [e.kind for e in record.events if e.details.get("user", record.user) != record.user]
    if anonymous:
        raise CheckFailed(f"session {record.sid}: audit events {anonymous} do not name its user")


def server_logged_with(record: SessionRecord | None, kind: str, **details: object) -> None:
    """The session's audit trail holds a `kind` event carrying these details (a grace
    re-issue marked `grace: true`, a reuse naming the generation replayed and the current
    one): what an incident responder needs to tell what happened."""
    if record is None:
        return
    found = [dict(e.details) for e in record.events_of(kind)]
    if not any(all(event.get(k) == v for k, v in details.items()) for event in found):
        raise CheckFailed(
            f"session {record.sid}: no {kind!r} event with {details} in its audit trail "
            f"(its {kind!r} events: {found or 'none'})"
        )


def signed_out_everywhere(records: Sequence[SessionRecord | None]) -> None:
    """Sign-out-everywhere ended each of these sessions (every one the user had), and the
    `logout_all` event in each session's trail says it ended that many: the count an incident
    responder reads to know how many devices lost their session."""
    known = [record for record in records if record is not None]
    for record in known:
        server_revoked(record, "logout_all")
        counts = [event.details.get("revoked") for event in record.events_of("logout_all")]
        if counts != [len(known)]:
            raise CheckFailed(
                f"session {record.sid}: its logout_all event(s) say they ended {counts} "
                f"session(s); the user had {len(known)}"
            )
