"""How long the tokens an app issues live, read from what it sends (never from its config)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from harness.target import Reply, TargetProfile
from harness.target.contract import Grant, jwt_claims, parse_time
from harness.target.model import Policy

# Tokens carry whole seconds; a Date header too. Lifetimes closer than this are equal.
TOLERANCE_S = 1.5


@dataclass(frozen=True)
class Lifetime:
    seconds: float
    source: str  # how it was read: "JWT exp - iat", "expires_in", ...

    def __str__(self) -> str:
        return f"{self.seconds:,.0f} s ({self.source})"


def access_lifetime(
    profile: TargetProfile, purpose: Literal["login", "refresh"], reply: Reply, grant: Grant
) -> Lifetime | None:
    """The lifetime of the access token in `reply`, None when nothing tells it.

    First the token's own claims (what the app enforces), then `expires_in`, then the
    expiry time the response gives against the time it was issued.
    """
    claims = jwt_claims(grant.access_token) or {}
    exp, iat = _number(claims.get("exp")), _number(claims.get("iat"))
    if exp is not None and iat is not None:
        return Lifetime(exp - iat, "JWT exp - iat")
    fields = profile.login_tokens() if purpose == "login" else profile.refresh_tokens()
    if fields.expires_in is not None:
        seconds = _number(fields.expires_in.read(reply))
        if seconds is not None:
            return Lifetime(seconds, f"{fields.expires_in}")
    issued = grant.server_time or parse_time(reply.headers.get("date"))
    if grant.access_expires_at is not None and issued is not None:
        return Lifetime(_between(issued, grant.access_expires_at), "expiry - issue time")
    return None


def refresh_lifetime(promise: Policy, refresh_token: str | None) -> Lifetime | None:
    """The refresh token's lifetime: the promise, else its JWT claims; None when unknown."""
    if promise.refresh_ttl_seconds is not None:
        return Lifetime(promise.refresh_ttl_seconds, "promised")
    claims = jwt_claims(refresh_token) if refresh_token else None
    exp, iat = _number((claims or {}).get("exp")), _number((claims or {}).get("iat"))
    if exp is not None and iat is not None:
        return Lifetime(exp - iat, "refresh JWT exp - iat")
    return None


def same(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE_S


def _between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds()


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None
