"""Evidence never holds a secret: tokens and passwords become labels, unknown ones are hidden."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx

from harness.conformance.evidence import REDACTED, Evidence, Redactor, describe_request
from harness.events import Exchange, Recorder

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"


def test_known_secret_gets_a_stable_label_per_kind() -> None:
    redactor = Redactor()
    assert redactor.label("tok-one-123456", "refresh") == "<refresh#1>"
    assert redactor.label("tok-two-123456", "refresh") == "<refresh#2>"
    assert redactor.label("tok-one-123456", "access") == "<refresh#1>"
    assert redactor.text("old tok-one-123456, new tok-two-123456") == (
        "old <refresh#1>, new <refresh#2>"
    )


def test_unknown_jwt_and_secret_fields_are_hidden() -> None:
    redactor = Redactor()
    assert redactor.text(f"token {JWT} here") == "token <jwt> here"
    body = {"access": "a" * 40, "token_type": "bearer", "password": "short", "user": "alice"}
    assert redactor.value(body) == {
        "access": REDACTED,
        "token_type": "bearer",
        "password": REDACTED,
        "user": "alice",
    }


def test_credentials_and_cookies_keep_their_shape_not_their_value() -> None:
    redactor = Redactor()
    redactor.label("abc123abc123abc", "access")
    assert redactor.header("Authorization", "Bearer abc123abc123abc") == "Bearer <access#1>"
    assert redactor.header("Authorization", "Bearer unknown") == f"Bearer {REDACTED}"
    assert redactor.header("Cookie", "rt=xyz; csrf=abc") == f"rt={REDACTED}; csrf={REDACTED}"
    set_cookie = "rt=xyz; HttpOnly; Path=/auth; SameSite=strict"
    assert redactor.header("set-cookie", set_cookie) == (
        f"rt={REDACTED}; HttpOnly; Path=/auth; SameSite=strict"
    )
    assert redactor.header("X-Requested-With", "session-harness") == "session-harness"


def test_password_in_a_form_body_is_hidden() -> None:
    redactor = Redactor()
    redactor.label("p@ss word!", "password")
    request = httpx.Request("POST", "http://app/login", data={"user": "al", "pw": "p@ss word!"})
    assert describe_request(request, redactor).splitlines()[-1] == "user=al&pw=<password#1>"


def test_exchange_event_describes_both_sides_without_the_token() -> None:
    recorder = Recorder()
    evidence = Evidence(recorder)
    token = "secret-refresh-value-123"
    evidence.redactor.label(token, "refresh")
    request = httpx.Request("POST", "http://app/auth/refresh", headers={"Cookie": f"rt={token}"})
    response = httpx.Response(
        401,
        json={"error": "refresh_reused", "refresh": token},
        headers={"Cache-Control": "no-store"},
        request=request,
    )
    event = evidence.exchange(AT, "alice", "replay", "refresh", request, response)
    assert isinstance(event, Exchange) and event.status == 401
    assert event.request.splitlines() == ["POST /auth/refresh", "cookie: rt=<refresh#1>"]
    assert event.response.splitlines() == [
        "401 Unauthorized",
        "cache-control: no-store",
        "content-type: application/json",
        '{"error": "refresh_reused", "refresh": "<refresh#1>"}',
    ]
    assert token not in json.dumps([e.to_dict() for e in recorder])
