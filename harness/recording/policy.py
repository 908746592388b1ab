"""What a recording tells of the app's rules: how it refuses, token lifetimes, rotation, clock."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from harness.recording.calls import presents_access
from harness.recording.draft import Draft
from harness.recording.har import Exchange
from harness.recording.values import Carried, Presented, carried, claims, lifetime

DEFAULT_ACCESS_HEADER = ("Authorization", "Bearer {access_token}")
CLOCK_PREFIX = "/__harness__/clock"


def access(
    draft: Draft, header: Presented, after: Sequence[Exchange], access_values: Collection[str]
) -> None:
    """How requests carry the access token, and the status that refused an expired one."""
    if (header.name.lower(), header.template) != (
        DEFAULT_ACCESS_HEADER[0].lower(),
        DEFAULT_ACCESS_HEADER[1],
    ):
        draft.set("access", "headers", {header.name: header.template})
    refused = [e for e in after if 400 <= e.status < 500 and presents_access(e, access_values)]
    statuses = sorted({e.status for e in refused})
    if statuses and statuses != [401]:
        draft.set("access", "rejected_status", statuses, refused[0])
        return
    if statuses:
        draft.found.append(("access.rejected_status = [401] (the default)", str(refused[0])))
    draft.hint(
        "access",
        "rejected_status = [401]   # add the status the app gives a forged or malformed "
        "token if it differs (flask-jwt-extended: 422)",
    )


def policy(
    draft: Draft,
    login: Exchange,
    access_token: Carried,
    refresh_token: Carried | None,
    refresh: Exchange | None,
) -> None:
    """TTLs from the tokens' claims (or `expires_in`); rotation and expiry from the refresh."""
    announced = _expires_in(draft, login)
    ttl = lifetime(access_token.value)
    if ttl is not None:
        draft.set("policy", "access_ttl_seconds", ttl, "the access token's exp - iat")
    elif announced is not None:
        draft.set("policy", "access_ttl_seconds", announced, "the sign-in's expires_in")
    if refresh_token is not None:
        _refresh_policy(draft, refresh_token, refresh)
    for line in (
        "grace_seconds = 0            # how long a rotated refresh token still works",
        "reuse_detection = true       # a replayed rotated token revokes its family",
        "idle_timeout_seconds = 0     # 0: none",
        "absolute_seconds = 86400     # the session's longest life",
    ):
        draft.hint("policy", line)


def _expires_in(draft: Draft, login: Exchange) -> float | None:
    """OAuth's `expires_in` (RFC 6749 §5.1): how an opaque token tells its lifetime."""
    seconds = login.json.get("expires_in") if isinstance(login.json, dict) else None
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
        return None
    draft.set("tokens", "expires_in", "json:/expires_in", login)
    return float(seconds)


def _refresh_policy(draft: Draft, parent: Carried, refresh: Exchange | None) -> None:
    ttl = lifetime(parent.value)
    if ttl is not None:
        draft.set("policy", "refresh_ttl_seconds", ttl, "the refresh token's exp - iat")
    if refresh is None:
        return
    child = next((c for c in carried(refresh) if c.location == parent.location), None)
    rotated = child is not None and child.value != parent.value
    draft.set("policy", "rotation", rotated, refresh)
    slides = rotated and _expiry(child) > _expiry(parent)
    draft.set("policy", "refresh_expiry", "sliding" if slides else "fixed", refresh)


def _expiry(item: Carried | None) -> float:
    exp = (claims(item.value) or {}).get("exp") if item is not None else None
    return float(exp) if isinstance(exp, int | float) else 0.0


def clock(draft: Draft, exchanges: Sequence[Exchange]) -> None:
    """`endpoint` when the recording moved the app's test clock; else left to fill in."""
    moved = next((e for e in exchanges if e.path.startswith(CLOCK_PREFIX) and e.ok), None)
    if moved is not None:
        draft.set("clock", "mode", "endpoint", moved)
    else:
        draft.hint(
            "clock", 'mode = "endpoint"   # the app serves the test clock; "real" with short TTLs'
        )
