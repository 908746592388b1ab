"""Deliberately injected bugs, switched on by name with `REFAPP_REGRESSIONS`.

Every regression lives here so that the healthy code paths stay free of them and a suite can
prove it catches each one. Client-side names are only served to clients.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import jwt

LEGACY_ACCESS_TTL = "legacy_access_ttl"
NAIVE_DATETIMES = "naive_datetimes"
NO_REUSE_GRACE = "no_reuse_grace"

SERVER = frozenset({LEGACY_ACCESS_TTL, NAIVE_DATETIMES, NO_REUSE_GRACE})
CLIENT = frozenset({"stream_raw_fetch", "per_tab_lock", "no_proactive_refresh"})
KNOWN = SERVER | CLIENT

# The story's old AuthService.ACCESS_TOKEN_EXPIRE_MINUTES.
LEGACY_TTL = timedelta(days=7)


def legacy_access_token(claims: dict[str, object], key: str, now: datetime) -> tuple[str, datetime]:
    """`legacy_access_ttl`: the second issuing path, with its own 7-day TTL."""
    issued = now.replace(microsecond=0)
    expires = issued + LEGACY_TTL
    payload = {**claims, "iat": issued, "exp": expires, "jti": uuid.uuid4().hex}
    token = jwt.encode(payload, key, algorithm="HS256")
    return token, expires
