"""What a scenario may need of a target (`@pytest.mark.needs(...)`), and whether it has it."""

from __future__ import annotations

from collections.abc import Callable

from harness.target.model import TargetProfile

_REQUESTS = ("logout", "logout_all", "probe", "action", "stream")


def _request(name: str) -> Callable[[TargetProfile], str | None]:
    def check(profile: TargetProfile) -> str | None:
        return None if getattr(profile, name) is not None else f"a [{name}] request"

    return check


NEEDS: dict[str, Callable[[TargetProfile], str | None]] = {
    **{name: _request(name) for name in _REQUESTS},
    "two_users": lambda p: None if len(p.users) >= 2 else "two users",
    "server_time": lambda p: None if p.tokens.server_time else "tokens.server_time",
    "refresh_cookie": lambda p: None if p.refresh_cookie() else "a refresh token in a cookie",
    "session_view": lambda p: None if p.capabilities.session_view else "a session view",
    "signing_key": lambda p: (
        None if p.access.signing_key_env else "[access] signing_key_env (the app's signing key)"
    ),
}


def missing(profile: TargetProfile, needs: tuple[str, ...]) -> list[str]:
    """What of `needs` the profile lacks, described for a "not applicable" reason."""
    unknown = [need for need in needs if need not in NEEDS]
    if unknown:
        known = ", ".join(sorted(NEEDS))
        raise ValueError(f"unknown need {', '.join(unknown)} (known: {known})")
    return [what for need in needs if (what := NEEDS[need](profile)) is not None]
