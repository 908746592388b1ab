"""Sign-in limits and bounded password checking, through the HTTP API."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
from freezegun.api import FrozenDateTimeFactory

from reference_app.users import User
from tests.reference_app.conftest import LOOPBACK_URL, XRW, Api, error_of

ALICE = {"email": "alice@example.com", "password": "wonderland"}


async def _login(api: Api, email: str = ALICE["email"], password: str = "wrong") -> httpx.Response:
    return await api.call(
        "POST", "/api/auth/login", headers=XRW, json={"email": email, "password": password}
    )


async def _fail(api: Api, times: int, email: str = ALICE["email"]) -> None:
    for _ in range(times):
        assert (await _login(api, email)).status_code == 401


async def test_tenth_failure_for_an_account_locks_it_with_retry_after(api: Api) -> None:
    await _fail(api, 10)
    refused = await _login(api, password=ALICE["password"])  # even the right password
    assert (refused.status_code, error_of(refused)) == (429, "rate_limited")
    assert refused.headers["retry-after"] == "300"
    assert refused.json()["message"] == "too many failed sign-ins; try again in 300 s"
    assert (await _login(api, "bob@example.com", "builder")).status_code == 200


async def test_locked_account_opens_again_when_app_time_passes_the_window(
    api: Api, frozen: FrozenDateTimeFactory
) -> None:
    await _fail(api, 10)
    frozen.tick(299)
    assert (await _login(api, password=ALICE["password"])).headers["retry-after"] == "1"
    frozen.tick(1)
    assert (await _login(api, password=ALICE["password"])).status_code == 200


async def test_login_windows_follow_the_test_clock(make_api: Callable[..., Api]) -> None:
    api = make_api(test_clock=True, base_url=LOOPBACK_URL)
    await _fail(api, 10)
    assert (await _login(api)).status_code == 429
    await api.call("POST", "/__harness__/clock", json={"advance_seconds": 300})
    assert (await _login(api, password=ALICE["password"])).status_code == 200


async def test_successful_login_resets_the_account_count(api: Api) -> None:
    await _fail(api, 9)
    assert (await _login(api, password=ALICE["password"])).status_code == 200
    await _fail(api, 9)
    assert (await _login(api)).status_code == 401


async def test_many_successful_logins_from_one_address_are_never_limited(api: Api) -> None:
    for _ in range(60):
        assert (await _login(api, password=ALICE["password"])).status_code == 200


async def test_unknown_accounts_are_limited_like_known_ones(api: Api) -> None:
    await _fail(api, 10, "eve@example.com")
    assert (await _login(api, "eve@example.com")).status_code == 429


async def test_failures_across_accounts_from_one_address_lock_that_address(
    make_api: Callable[..., Api],
) -> None:
    api = make_api(login_failures_per_address=5)
    for n in range(5):
        await _fail(api, 1, f"user{n}@example.com")
    refused = await _login(api, password=ALICE["password"])
    assert (refused.status_code, error_of(refused)) == (429, "rate_limited")
    elsewhere = make_api(client_host="10.9.8.7", login_failures_per_address=5)
    assert (await _login(elsewhere, password=ALICE["password"])).status_code == 200


async def test_zero_disables_both_limits(make_api: Callable[..., Api]) -> None:
    api = make_api(login_failures_per_address=0, login_failures_per_account=0)
    await _fail(api, 60)
    assert (await _login(api, password=ALICE["password"])).status_code == 200


async def test_refused_attempts_are_audited_and_not_checked(api: Api) -> None:
    await _fail(api, 10)
    await _login(api)
    audit = api.app.state.services.audit
    assert len(audit.events("login_failed")) == 10
    assert [e["address"] for e in audit.events("login_throttled")] == ["127.0.0.1"]


async def test_password_checks_run_at_most_concurrency_at_once(
    make_api: Callable[..., Api],
) -> None:
    api = make_api(password_hash_concurrency=2, login_failures_per_account=0)
    users = api.app.state.services.users
    checking, peak, lock = 0, 0, threading.Lock()
    check = users.authenticate

    def counting_check(*args: Any) -> User | None:
        nonlocal checking, peak
        with lock:
            checking += 1
            peak = max(peak, checking)
        time.sleep(0.02)  # a slow argon2 check, so that requests overlap
        with lock:
            checking -= 1
        return check(*args)  # type: ignore[no-any-return]

    users.authenticate = counting_check
    responses = await asyncio.gather(*(_login(api) for _ in range(12)))
    assert [r.status_code for r in responses] == [401] * 12
    assert peak == 2
