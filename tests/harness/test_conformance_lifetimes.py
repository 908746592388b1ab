"""Token lifetimes read from what the app sends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from harness.conformance.lifetimes import access_lifetime, refresh_lifetime, same
from harness.target import Reply, TargetProfile, parse_profile
from harness.target.contract import Grant
from harness.target.model import Policy

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
BASE = {
    "name": "app",
    "base_url": "http://127.0.0.1:9",
    "users": [{"name": "a", "identifier": "a", "password": "p"}],
    "login": {"path": "/login"},
    "refresh": {"path": "/refresh"},
}


def profile(**tokens: str) -> TargetProfile:
    return parse_profile({**BASE, "tokens": {"access_token": "json:/t", **tokens}})


def grant(
    token: str, expires: datetime | None = None, server_time: datetime | None = None
) -> Grant:
    return Grant(token, None, expires, None, server_time)


def test_jwt_lifetime_is_exp_minus_iat() -> None:
    token = jwt.encode({"iat": 1000, "exp": 2800}, "k" * 64, algorithm="HS256")
    lifetime = access_lifetime(profile(), "login", Reply(200), grant(token))
    assert lifetime is not None and lifetime.seconds == 1800
    assert str(lifetime) == "1,800 s (JWT exp - iat)"


def test_opaque_token_lifetime_is_expires_in() -> None:
    reply = Reply(200, json={"t": "opaque", "ttl": "300"})
    lifetime = access_lifetime(profile(expires_in="json:/ttl"), "refresh", reply, grant("opaque"))
    assert lifetime is not None and lifetime.seconds == 300


def test_expiry_field_against_the_date_header() -> None:
    reply = Reply(200, headers={"date": "Mon, 05 Jan 2026 09:00:00 GMT"})
    token = grant("opaque", expires=NOW + timedelta(seconds=900))
    lifetime = access_lifetime(profile(access_expires_at="json:/e"), "login", reply, token)
    assert lifetime is not None and lifetime.seconds == 900


def test_lifetime_unknown_without_any_clue() -> None:
    assert access_lifetime(profile(), "login", Reply(200), grant("opaque")) is None


def test_refresh_lifetime_promised_then_from_a_jwt() -> None:
    token = jwt.encode({"iat": 0, "exp": 86400}, "k" * 64, algorithm="HS256")
    promised = refresh_lifetime(Policy(refresh_ttl_seconds=600), token)
    claimed = refresh_lifetime(Policy(), token)
    assert promised is not None and (promised.seconds, promised.source) == (600, "promised")
    assert claimed is not None and claimed.seconds == 86400
    assert refresh_lifetime(Policy(), "opaque") is None


def test_lifetimes_within_tolerance_are_the_same() -> None:
    assert same(1800, 1799.2) and not same(1800, 1797)
