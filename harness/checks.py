"""Session checks over recorded events: the assertions every scenario is built from.

Each check raises `CheckFailed` (an AssertionError, so pytest reports it as a failure) with a
message naming the events that broke it, and returns quietly otherwise.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime

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
    Unauthorized,
    WarningShown,
)

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
