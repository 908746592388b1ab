"""The contract: requests built from a profile, and token responses and refusals read back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from harness.target import Reply, parse_profile
from harness.target.contract import (
    ContractError,
    build,
    jwt_expiry,
    parse_time,
    read_announcement,
    read_grant,
    reason_of,
    sse_chunks,
)
from harness.target.templates import MissingValue

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

# An OAuth-style app: one token endpoint, form bodies, tokens in JSON, opaque access tokens.
OAUTH: dict[str, Any] = {
    "name": "oauth-app",
    "base_url": "http://127.0.0.1:9000",
    "users": [{"name": "qa", "identifier": "qa@example.com", "password": "pw"}],
    "tokens": {
        "access_token": "json:/access_token",
        "refresh_token": "json:/refresh_token",
        "expires_in": "json:/expires_in",
    },
    "login": {
        "path": "/oauth/token",
        "body": "form",
        "fields": {"grant_type": "password", "username": "{identifier}", "password": "{password}"},
    },
    "refresh": {
        "path": "/oauth/token",
        "body": "form",
        "fields": {"grant_type": "refresh_token", "refresh_token": "{refresh_token}"},
    },
    "errors": {"code": "json:/error", "reasons": {"invalid_grant": "refresh_rejected"}},
}


def test_login_and_refresh_share_one_form_encoded_endpoint() -> None:
    profile = parse_profile(OAUTH)
    login = build(profile, profile.login, "login", identifier="qa@example.com", password="pw")
    assert (login.method, login.path, login.json) == ("POST", "/oauth/token", None)
    assert login.form == {"grant_type": "password", "username": "qa@example.com", "password": "pw"}
    refresh = build(profile, profile.refresh, "refresh", refresh_token="r1")
    assert refresh.form == {"grant_type": "refresh_token", "refresh_token": "r1"}


def test_refresh_without_a_refresh_token_to_send_raises_missing_value() -> None:
    profile = parse_profile(OAUTH)
    with pytest.raises(MissingValue, match="refresh_token"):
        build(profile, profile.refresh, "refresh")


def test_double_submit_header_is_copied_from_a_cookie() -> None:
    data = {**OAUTH, "refresh": {**OAUTH["refresh"], "headers": {"X-CSRF": "{cookie:csrf}"}}}
    profile = parse_profile(data)
    out = build(profile, profile.refresh, "refresh", cookies={"csrf": "c1"}, refresh_token="r")
    assert out.headers["X-CSRF"] == "c1"
    with pytest.raises(MissingValue, match="csrf"):
        build(profile, profile.refresh, "refresh", refresh_token="r")


def test_opaque_token_expiry_comes_from_expires_in_anchored_at_receipt() -> None:
    profile = parse_profile(OAUTH)
    reply = Reply(200, json={"access_token": "opaque", "refresh_token": "r2", "expires_in": 300})
    grant = read_grant(profile, "refresh", reply, NOW)
    assert grant.access_token == "opaque" and grant.refresh_token == "r2"
    assert grant.access_expires_at == NOW + timedelta(seconds=300)


def test_jwt_expiry_is_read_without_the_key() -> None:
    exp = NOW + timedelta(minutes=5)
    token = jwt.encode(
        {"exp": int(exp.timestamp())},
        "a key the client never holds, long enough",
        algorithm="HS256",
    )
    assert jwt_expiry(token) == exp
    assert jwt_expiry("not-a-jwt") is None


def test_missing_access_token_is_a_contract_error() -> None:
    profile = parse_profile(OAUTH)
    with pytest.raises(ValueError, match="no access token at json:/access_token"):
        read_grant(profile, "login", Reply(200, json={"token": "x"}), NOW)


# An app that announces its deadlines in the token response and in the probe's answer.
ANNOUNCING: dict[str, Any] = {
    **OAUTH,
    "tokens": {
        "access_token": "json:/access_token",
        "access_expires_at": "json:/access_expires_at",
        "idle_expires_at": "json:/idle_expires_at",
    },
    "probe": {
        "method": "GET",
        "path": "/me",
        "access_expires_at": "json:/expires",
        "idle_expires_at": "json:/idle",
    },
}


def _signed(exp: datetime) -> str:
    return jwt.encode({"exp": int(exp.timestamp())}, "a key long enough for HS256 signing")


@pytest.mark.parametrize("announced", [None, "", "soon"])
def test_declared_access_expiry_the_response_leaves_out_is_a_contract_error(
    announced: Any,
) -> None:
    """A frontend schedules its refresh by the announced expiry: null is not "unknown"."""
    profile = parse_profile(ANNOUNCING)
    body = {"access_token": _signed(NOW + timedelta(minutes=5)), "access_expires_at": announced}
    with pytest.raises(ContractError, match="login response announces no access token expiry"):
        read_grant(profile, "login", Reply(200, json=body), NOW)


def test_announced_access_expiry_that_is_not_the_tokens_exp_is_a_contract_error() -> None:
    """Two issuing paths with two TTLs: the body says 30 minutes, the token says 7 days."""
    profile = parse_profile(ANNOUNCING)
    token = _signed(NOW + timedelta(days=7))
    body = {"access_token": token, "access_expires_at": (NOW + timedelta(minutes=30)).isoformat()}
    with pytest.raises(ContractError, match="but the token's exp says"):
        read_grant(profile, "refresh", Reply(200, json=body), NOW)
    agreeing = {**body, "access_expires_at": (NOW + timedelta(days=7, seconds=0.4)).isoformat()}
    grant = read_grant(profile, "refresh", Reply(200, json=agreeing), NOW)
    assert grant.access_expires_at == NOW + timedelta(days=7, seconds=0.4)
    assert grant.idle_expires_at is None  # not in this body: the client judges it


def test_probe_announcement_is_read_where_the_profile_says_and_checked_against_the_token() -> None:
    profile = parse_profile(ANNOUNCING)
    token = _signed(NOW + timedelta(minutes=5))
    idle = NOW + timedelta(minutes=20)
    body = {"expires": (NOW + timedelta(minutes=5)).isoformat(), "idle": idle.isoformat()}
    announced = read_announcement(profile, Reply(200, json=body), token)
    assert (announced.access_expires_at, announced.idle_expires_at) == (
        NOW + timedelta(minutes=5),
        idle,
    )
    assert announced.session_expires_at is None
    with pytest.raises(ContractError, match="probe response announces no access token expiry"):
        read_announcement(profile, Reply(200, json={"idle": idle.isoformat()}), token)
    assert (
        read_announcement(parse_profile(OAUTH), Reply(200, json={}), token).idle_expires_at is None
    )


@pytest.mark.parametrize(
    ("reply", "purpose", "reason"),
    [
        (Reply(400, json={"error": "invalid_grant"}), "refresh", "refresh_rejected"),
        (Reply(401, json={"error": "session_idle"}), "api", "session_idle"),
        (Reply(401, json={"detail": "nope"}), "api", "token_rejected"),
        (Reply(401, json={"detail": "nope"}), "refresh", "refresh_rejected"),
        (Reply(401), "login", "invalid_credentials"),
        (Reply(429), "login", "rate_limited"),
        (Reply(404, json={"error": "no_such_thing"}), "api", "no_such_thing"),
        (Reply(500), "api", "http_500"),
    ],
)
def test_refusals_read_as_the_harness_reasons(reply: Reply, purpose: Any, reason: str) -> None:
    assert reason_of(parse_profile(OAUTH), reply, purpose) == reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-01T12:00:00+00:00", NOW),
        (1772366400, NOW),
        ("Sun, 01 Mar 2026 12:00:00 GMT", NOW),
        ("2026-03-01T12:00:00", None),  # no offset: refused rather than guessed
        ("soon", None),
        (True, None),
    ],
)
def test_times_are_read_in_their_common_shapes(value: Any, expected: datetime | None) -> None:
    assert parse_time(value) == expected


def test_server_sent_events_are_filtered_by_event_and_pointer() -> None:
    data = {**OAUTH, "stream": {"path": "/s", "chunk_event": "chunk", "chunk_text": "json:/text"}}
    lines = ["event: chunk", 'data: {"text": "4"}', "", "event: done", 'data: {"reply": "4"}', ""]
    assert sse_chunks(parse_profile(data), lines) == ["4"]
