"""What guards a cookie-carried refresh against cross-site requests (CSRF), per the profile."""

from __future__ import annotations

from harness.target import TargetProfile
from harness.target.templates import placeholders

# Headers every request may carry: dropping them proves nothing about CSRF.
_ORDINARY = frozenset({"content-type", "accept", "accept-language", "user-agent", "cache-control"})


def cookie_carried(profile: TargetProfile) -> bool:
    """The refresh token travels only in a cookie, which a browser attaches on its own."""
    sent = placeholders(profile.refresh.templated())
    return profile.refresh_cookie() is not None and "refresh_token" not in sent


def csrf_headers(profile: TargetProfile) -> dict[str, str]:
    """Refresh headers a cross-site page cannot send: a fixed value, or one copied from a cookie."""
    found: dict[str, str] = {}
    for name, template in {**profile.headers, **profile.refresh.headers}.items():
        if name.lower() in _ORDINARY:
            continue
        if all(value.startswith("cookie:") for value in placeholders(template)):
            found[name] = template
    return found


def reads_cookie(template: str) -> bool:
    """A double-submit header: its value is copied from a cookie."""
    return any(value.startswith("cookie:") for value in placeholders(template))
