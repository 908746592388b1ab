"""Session checks over recorded events: the assertions every scenario is built from.

Each check raises `CheckFailed` (an AssertionError, so pytest reports it as a failure) with a
message naming the events that broke it, and returns quietly otherwise.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from harness.events import (
    Event,
    IdleLogout,
    Recorder,
    RedirectToLogin,
    RefreshFailed,
    RequestSent,
    Unauthorized,
    WarningShown,
)

REFRESH_PATH = "/api/auth/refresh"


class CheckFailed(AssertionError):
    """A session check found behaviour the story forbids."""


def _describe(events: Iterable[Event]) -> str:
    return "; ".join(
        f"{e.kind} at {e.at.isoformat()} [{e.profile}/{e.tab}] "
        + ", ".join(f"{k}={v}" for k, v in e.to_dict().items()
                    if k not in {"kind", "at", "wall", "profile", "tab", "source"})
        for e in events
    )


def _select(recorder: Recorder, kind: type[Event], profile: str | None) -> list[Event]:
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
    redirects = [e for e in _select(recorder, RedirectToLogin, profile)
                 if isinstance(e, RedirectToLogin)]
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
    return Counter(
        e.profile for e in recorder.of_kind(RequestSent)
        if isinstance(e, RequestSent) and e.path == REFRESH_PATH
    )


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
    fatal = [e for e in _select(recorder, RefreshFailed, profile)
             if isinstance(e, RefreshFailed) and e.fatal]
    if fatal:
        raise CheckFailed(f"fatal refresh failure: {_describe(fatal)}")


def warning_shown_before(recorder: Recorder, warning: str, *, profile: str | None = None) -> None:
    """AC7: a warning of this kind came before the sign-out it announces."""
    warnings = [e for e in _select(recorder, WarningShown, profile)
                if isinstance(e, WarningShown) and e.warning == warning]
    ends = _select(recorder, RedirectToLogin, profile) + _select(recorder, IdleLogout, profile)
    if not warnings:
        raise CheckFailed(f"no {warning!r} warning was shown")
    if ends and min(e.at for e in ends) <= warnings[0].at:
        raise CheckFailed(f"the {warning!r} warning came after the sign-out")
