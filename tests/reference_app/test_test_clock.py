from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.reference_app.conftest import LOOPBACK_URL, Api, error_of


async def test_test_clock_is_not_found_when_disabled(api: Api) -> None:
    for method in ("GET", "POST"):
        response = await api.call(method, "/__harness__/clock", json={"advance_seconds": 5})
        assert (response.status_code, error_of(response)) == (404, "not_found")


async def test_test_clock_refuses_non_loopback_clients(make_api: Callable[..., Api]) -> None:
    api = make_api(client_host="10.1.2.3", test_clock=True, base_url=LOOPBACK_URL)
    response = await api.call("GET", "/__harness__/clock")
    assert (response.status_code, error_of(response)) == (403, "forbidden")


async def test_test_clock_advance_moves_token_expiry(make_api: Callable[..., Api]) -> None:
    api = make_api(test_clock=True, base_url=LOOPBACK_URL)
    body, cookie = await api.login()
    moved = await api.call("POST", "/__harness__/clock", json={"advance_seconds": 1800})
    assert moved.json()["offset_seconds"] == 1800
    response = await api.get("/api/auth/session", body["access_token"])
    assert error_of(response) == "token_expired"
    refreshed = await api.refresh(cookie)
    assert refreshed.status_code == 200  # a token issued at the offset time is not "immature"
    assert (await api.get("/api/auth/session", refreshed.json()["access_token"])).status_code == 200


async def test_test_clock_set_accepts_past_and_reports_negative_offset(
    make_api: Callable[..., Api],
) -> None:
    api = make_api(test_clock=True, base_url=LOOPBACK_URL)
    response = await api.call(
        "POST", "/__harness__/clock", json={"set": "2020-01-01T00:00:00+00:00"}
    )
    assert response.json()["now"].startswith("2020-01-01T00:00:0")
    assert response.json()["offset_seconds"] < 0
    assert (await api.call("GET", "/__harness__/clock")).json()["now"].startswith("2020-01-01")


async def test_test_clock_rejects_ambiguous_or_naive_moves(make_api: Callable[..., Api]) -> None:
    api = make_api(test_clock=True, base_url=LOOPBACK_URL)
    for body in (
        {},
        {"advance_seconds": 1, "set": "2020-01-01T00:00:00+00:00"},
        {"set": "2020-01-01T00:00:00"},
        {"advance_seconds": 1e12},
    ):
        response = await api.call("POST", "/__harness__/clock", json=body)
        assert (response.status_code, error_of(response)) == (422, "validation_failed"), body


async def test_test_clock_refuses_moves_that_would_overflow_dates(
    make_api: Callable[..., Api],
) -> None:
    api = make_api(test_clock=True, base_url=LOOPBACK_URL)
    for body in ({"set": "9999-12-31T00:00:00+00:00"}, {"set": "0001-01-02T00:00:00+00:00"}):
        response = await api.call("POST", "/__harness__/clock", json=body)
        assert (response.status_code, error_of(response)) == (422, "validation_failed"), body
    for _ in range(10):  # ten years at a time, until the next step would pass the bound
        await api.call("POST", "/__harness__/clock", json={"advance_seconds": 315_000_000})
    response = await api.call("POST", "/__harness__/clock", json={"advance_seconds": 315_000_000})
    assert (response.status_code, error_of(response)) == (422, "validation_failed")
    assert response.json()["details"][0]["field"] == "advance_seconds"
    assert (await api.login())[0]["access_token"]  # the app still works at the far offset


@pytest.mark.parametrize("host", ["::1", "::ffff:127.0.0.1", "127.0.0.2"])
async def test_test_clock_accepts_every_loopback_address(
    make_api: Callable[..., Api], host: str
) -> None:
    api = make_api(client_host=host, test_clock=True, base_url=LOOPBACK_URL)
    assert (await api.call("GET", "/__harness__/clock")).status_code == 200


async def test_test_clock_rejects_a_boolean_advance(make_api: Callable[..., Api]) -> None:
    api = make_api(test_clock=True, base_url=LOOPBACK_URL)
    response = await api.call("POST", "/__harness__/clock", json={"advance_seconds": True})
    assert (response.status_code, error_of(response)) == (422, "validation_failed")


@pytest.mark.parametrize(
    "base_url",
    [
        "http://evil.example",
        "http://evil.example:8000",
        "http://127.0.0.1.evil.example",
        "http://10.0.0.1",
    ],
)
async def test_test_clock_refuses_a_non_loopback_host_header(
    make_api: Callable[..., Api], base_url: str
) -> None:
    """DNS rebinding: a page of evil.example resolved to 127.0.0.1 sends `Host: evil.example`."""
    api = make_api(test_clock=True, base_url=base_url)
    for method in ("GET", "POST"):
        response = await api.call(method, "/__harness__/clock", json={"advance_seconds": 5})
        assert (response.status_code, error_of(response)) == (403, "forbidden")


@pytest.mark.parametrize(
    "base_url",
    ["http://127.0.0.1", "http://localhost:8123", "http://[::1]:9000", "http://LOCALHOST"],
)
async def test_test_clock_accepts_loopback_host_headers(
    make_api: Callable[..., Api], base_url: str
) -> None:
    api = make_api(test_clock=True, base_url=base_url)
    assert (await api.call("GET", "/__harness__/clock")).status_code == 200


async def test_test_clock_refuses_a_request_without_host(make_api: Callable[..., Api]) -> None:
    api = make_api(test_clock=True, base_url=LOOPBACK_URL)
    response = await api.call("GET", "/__harness__/clock", headers={"Host": ""})
    assert (response.status_code, error_of(response)) == (403, "forbidden")
