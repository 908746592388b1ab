"""One test per bad-input case: each gets its JSON error code, never a 500."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from freezegun.api import FrozenDateTimeFactory

from reference_app.tokens import parse_refresh_token
from tests.reference_app.conftest import LOOPBACK_URL, XRW, Api, error_of


async def _session_with(api: Api, token: str) -> tuple[int, str]:
    response = await api.get("/api/auth/session", token)
    return response.status_code, error_of(response)


def _claims(**overrides: object) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "sub": "alice@example.com",
        "sid": "0" * 32,
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "jti": "j",
        "typ": "access",
        **overrides,
    }


async def test_malformed_bearer_token_is_token_invalid(api: Api) -> None:
    assert await _session_with(api, "not-a-jwt") == (401, "token_invalid")


async def test_tampered_token_is_token_invalid(api: Api) -> None:
    body, _ = await api.login()
    header, payload, signature = body["access_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "bob@example.com"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert await _session_with(api, f"{header}.{forged}.{signature}") == (401, "token_invalid")


async def test_expired_access_token_is_token_expired(
    api: Api, frozen: FrozenDateTimeFactory
) -> None:
    body, _ = await api.login()
    frozen.tick(1800)
    assert await _session_with(api, body["access_token"]) == (401, "token_expired")


async def test_alg_none_token_is_token_invalid(api: Api) -> None:
    body, _ = await api.login()
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    unsigned = jwt.encode(claims, key=None, algorithm="none")
    assert await _session_with(api, unsigned) == (401, "token_invalid")


async def test_token_signed_with_another_key_is_token_invalid(api: Api) -> None:
    body, _ = await api.login()
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    foreign = jwt.encode(claims, "another-key-" * 4, algorithm="HS256")
    assert await _session_with(api, foreign) == (401, "token_invalid")


async def test_token_with_wrong_typ_is_token_invalid(api: Api) -> None:
    body, _ = await api.login()
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    wrong = jwt.encode({**claims, "typ": "refresh"}, "s" * 40, algorithm="HS256")
    assert await _session_with(api, wrong) == (401, "token_invalid")


async def test_token_missing_claims_is_token_invalid(api: Api) -> None:
    claims = _claims()
    del claims["sid"]
    assert await _session_with(api, jwt.encode(claims, "s" * 40, algorithm="HS256")) == (
        401,
        "token_invalid",
    )


async def test_refresh_token_sent_as_bearer_is_token_invalid(api: Api) -> None:
    _, refresh = await api.login()
    assert await _session_with(api, refresh) == (401, "token_invalid")


async def test_missing_bearer_header_is_token_missing(api: Api) -> None:
    response = await api.get("/api/auth/session")
    assert (response.status_code, error_of(response)) == (401, "token_missing")


async def test_non_bearer_authorization_is_token_missing(api: Api) -> None:
    response = await api.call("GET", "/api/auth/session", headers={"Authorization": "Basic YTpi"})
    assert (response.status_code, error_of(response)) == (401, "token_missing")


async def test_garbled_refresh_cookie_is_refresh_invalid(api: Api) -> None:
    response = await api.call(
        "POST", "/api/auth/refresh", headers={**XRW, "Cookie": "refresh_token=%%%\x7f"}
    )
    assert (response.status_code, error_of(response)) == (401, "refresh_invalid")


async def test_unknown_refresh_family_is_refresh_invalid(api: Api) -> None:
    response = await api.refresh(f"{'a' * 32}.0.{'B' * 43}")
    assert (response.status_code, error_of(response)) == (401, "refresh_invalid")


async def test_oversized_body_is_payload_too_large(api: Api) -> None:
    response = await api.call(
        "POST", "/api/auth/login", headers=XRW, content=b"{" + b" " * 70000 + b"}"
    )
    assert (response.status_code, error_of(response)) == (413, "payload_too_large")


async def test_oversized_chunked_body_is_payload_too_large(api: Api) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b" " * 4096

    response = await api.call("POST", "/api/auth/login", headers=XRW, content=chunks())
    assert (response.status_code, error_of(response)) == (413, "payload_too_large")


async def test_non_json_body_is_bad_request(api: Api) -> None:
    response = await api.call(
        "POST",
        "/api/auth/login",
        headers={**XRW, "Content-Type": "application/json"},
        content=b"email=alice",
    )
    assert (response.status_code, error_of(response)) == (400, "bad_request")


async def test_json_array_body_is_bad_request(api: Api) -> None:
    response = await api.call("POST", "/api/auth/login", headers=XRW, json=["alice"])
    assert (response.status_code, error_of(response)) == (400, "bad_request")


async def test_missing_field_is_validation_failed_with_details(api: Api) -> None:
    response = await api.call(
        "POST", "/api/auth/login", headers=XRW, json={"email": "alice@example.com"}
    )
    assert (response.status_code, error_of(response)) == (422, "validation_failed")
    assert [d["field"] for d in response.json()["details"]] == ["password"]


async def test_unknown_route_is_not_found(api: Api) -> None:
    for method in ("GET", "POST"):
        response = await api.call(method, "/api/nothing-here")
        assert (response.status_code, error_of(response)) == (404, "not_found")


async def test_wrong_method_is_json_method_not_allowed(api: Api) -> None:
    response = await api.call("GET", "/api/auth/refresh")
    assert (response.status_code, error_of(response)) == (405, "method_not_allowed")


async def test_head_on_a_get_route_is_method_not_allowed(api: Api) -> None:
    response = await api.call("HEAD", "/api/auth/config")
    assert response.status_code == 405


async def test_unparseable_origin_is_csrf_failed(api: Api) -> None:
    response = await api.call("POST", "/api/auth/logout", headers={**XRW, "Origin": "http://[::1"})
    assert (response.status_code, error_of(response)) == (403, "csrf_failed")


async def test_non_ascii_bearer_token_is_token_invalid(api: Api) -> None:
    response = await api.call(
        "GET", "/api/auth/session", headers={"Authorization": "Bearer é.é.é".encode()}
    )
    assert (response.status_code, error_of(response)) == (401, "token_invalid")


@pytest.mark.parametrize("message", ["((9**64)**64)**2", "(9**64)**64*(9**64)**64", "(-8)**0.5"])
async def test_chat_with_an_oversized_or_complex_result_echoes(api: Api, message: str) -> None:
    body, _ = await api.login()
    response = await api.post("/api/chat", body["access_token"], json={"message": message})
    assert (response.status_code, response.json()["reply"]) == (200, f"echo: {message}")


def test_refresh_token_with_trailing_newline_does_not_parse() -> None:
    token = f"{'a' * 32}.0.{'B' * 43}"
    assert parse_refresh_token(token) is not None
    assert parse_refresh_token(token + "\n") is None


async def _session_with_claims(api: Api, **overrides: object) -> tuple[int, str]:
    """GET /api/auth/session with a correctly signed token of a live session, claims changed.

    Returns the status and the error code ("" for a success).
    """
    body, _ = await api.login()
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    token = jwt.encode({**claims, **overrides}, "s" * 40, algorithm="HS256")
    response = await api.get("/api/auth/session", token)
    return response.status_code, "" if response.is_success else error_of(response)


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": 10**20},
        {"exp": -(10**20)},
        {"iat": 10**20},
        {"iat": -1},
        {"nbf": 10**20},
        {"iat": "yesterday"},
        {"exp": True},
        {"exp": 1.5e9},
    ],
    ids=repr,
)
async def test_signed_token_with_absurd_times_is_token_invalid(
    api: Api, claims: dict[str, object]
) -> None:
    assert await _session_with_claims(api, **claims) == (401, "token_invalid")


async def test_signed_token_expiring_before_it_was_issued_is_token_invalid(api: Api) -> None:
    issued = int(datetime.now(UTC).timestamp())
    assert await _session_with_claims(api, iat=issued, exp=issued - 1) == (401, "token_invalid")


async def test_signed_token_expired_long_ago_is_token_expired(api: Api) -> None:
    assert await _session_with_claims(api, iat=0, exp=1) == (401, "token_expired")


@pytest.mark.parametrize(
    ("seconds_ahead", "outcome"), [(120, (401, "token_invalid")), (30, (200, ""))]
)
async def test_token_issued_in_the_future_is_token_invalid_beyond_the_leeway(
    api: Api, seconds_ahead: int, outcome: tuple[int, str]
) -> None:
    issued = int(datetime.now(UTC).timestamp()) + seconds_ahead
    assert await _session_with_claims(api, iat=issued, nbf=issued) == outcome


async def test_future_issued_at_is_judged_by_the_app_clock(make_api: Callable[..., Api]) -> None:
    """With the app's clock an hour behind real time, a token issued at real time is early."""
    api = make_api(test_clock=True, base_url=LOOPBACK_URL)
    await api.call("POST", "/__harness__/clock", json={"advance_seconds": -3600})
    app_now = int(datetime.now(UTC).timestamp()) - 3600
    assert await _session_with_claims(api, iat=app_now + 3600) == (401, "token_invalid")
    assert await _session_with_claims(api, iat=app_now) == (200, "")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", "/api/auth/refresh", "POST"),
        ("HEAD", "/api/auth/config", "GET"),
        ("DELETE", "/api/chat", "POST"),
        ("POST", "/login", "GET, HEAD"),
        ("POST", "/index.html", "GET, HEAD"),
    ],
)
async def test_method_not_allowed_names_the_allowed_methods(
    api: Api, method: str, path: str, allow: str
) -> None:
    response = await api.call(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    if method != "HEAD":
        assert error_of(response) == "method_not_allowed"


async def test_wrong_method_on_the_test_clock_names_get_and_post(
    make_api: Callable[..., Api],
) -> None:
    response = await make_api(test_clock=True, base_url=LOOPBACK_URL).call(
        "PUT", "/__harness__/clock"
    )
    assert (response.status_code, error_of(response)) == (405, "method_not_allowed")
    assert response.headers["allow"] == "GET, POST"


async def test_post_to_the_openapi_schema_is_method_not_allowed(api: Api) -> None:
    response = await api.call("POST", "/api/openapi.json")
    assert (response.status_code, response.headers["allow"]) == (405, "GET, HEAD")
