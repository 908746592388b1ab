from __future__ import annotations

from collections.abc import Callable
from http.cookies import SimpleCookie

import pytest

from tests.reference_app.conftest import LOOPBACK_URL, Api, error_of

PATH = "/__harness__/sessions"
ALICE = {"identifier": "alice@example.com", "count": 3}


@pytest.fixture
def harness_api(make_api: Callable[..., Api]) -> Api:
    return make_api(test_clock=True, base_url=LOOPBACK_URL)


async def test_bulk_sessions_are_not_found_without_the_test_clock(api: Api) -> None:
    response = await api.call("POST", PATH, json=ALICE)
    assert (response.status_code, error_of(response)) == (404, "not_found")


async def test_bulk_sessions_refuse_non_loopback_clients_and_hosts(
    make_api: Callable[..., Api],
) -> None:
    remote = make_api(client_host="10.1.2.3", test_clock=True, base_url=LOOPBACK_URL)
    rebound = make_api(test_clock=True, base_url="http://evil.example")
    for api in (remote, rebound):
        response = await api.call("POST", PATH, json=ALICE)
        assert (response.status_code, error_of(response)) == (403, "forbidden")


async def test_bulk_sessions_answer_like_logins_whose_tokens_work(harness_api: Api) -> None:
    response = await harness_api.call("POST", PATH, json=ALICE)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    sessions = response.json()["sessions"]
    assert len(sessions) == 3
    cookies = []
    for session in sessions:
        body = session["json"]
        assert body["user"]["email"] == "alice@example.com"
        assert set(body) >= {"access_token", "access_expires_at", "server_time"}
        morsel = SimpleCookie(session["set_cookie"][0])["refresh_token"]
        assert morsel["httponly"] and morsel["path"] == "/api/auth"
        cookies.append(morsel.value)
        session_reply = await harness_api.get("/api/auth/session", body["access_token"])
        assert session_reply.status_code == 200
    assert len(set(cookies)) == 3  # three families, not one
    refreshed = await harness_api.refresh(cookies[0])
    assert refreshed.status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"identifier": "nobody@example.com", "count": 1}, 404, "not_found"),
        ({"identifier": "alice@example.com", "count": 1001}, 422, "validation_failed"),
        ({"identifier": "alice@example.com", "count": 0}, 422, "validation_failed"),
        ({"identifier": "alice@example.com", "count": "5"}, 422, "validation_failed"),
        ({"count": 5}, 422, "validation_failed"),
    ],
)
async def test_bulk_sessions_reject_bad_requests(
    harness_api: Api, body: dict[str, object], status: int, code: str
) -> None:
    response = await harness_api.call("POST", PATH, json=body)
    assert (response.status_code, error_of(response)) == (status, code)
