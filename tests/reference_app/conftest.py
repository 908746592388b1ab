from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory

from reference_app import Settings, create_app

START = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
XRW = {"X-Requested-With": "pytest"}
# The test clock answers only requests addressed to a loopback host.
LOOPBACK_URL = "http://127.0.0.1:8000"
FAST_HASHING = {"password_hash_memory_kib": 1024, "password_hash_time_cost": 1}


def make_settings(**overrides: Any) -> Settings:
    return Settings(**{**FAST_HASHING, "jwt_secret": "s" * 40, **overrides})


@pytest.fixture
def frozen() -> Iterator[FrozenDateTimeFactory]:
    """Time frozen at START for the whole test; move it with tick()/move_to()."""
    with freeze_time(START, real_asyncio=True) as factory:
        yield factory


class Api:
    """An httpx client over ASGI with explicit refresh-cookie handling (no implicit jar)."""

    def __init__(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        self.app = app
        self.client = client

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = await self.client.request(method, path, **kwargs)
        self.client.cookies.clear()
        return response

    async def login(
        self, email: str = "alice@example.com", password: str = "wonderland"
    ) -> tuple[dict[str, Any], str]:
        response = await self.call(
            "POST", "/api/auth/login", json={"email": email, "password": password}, headers=XRW
        )
        assert response.status_code == 200, response.text
        return response.json(), cookie_of(response)

    async def refresh(self, token: str | None) -> httpx.Response:
        headers = {**XRW, **({"Cookie": f"refresh_token={token}"} if token is not None else {})}
        return await self.call("POST", "/api/auth/refresh", headers=headers)

    async def get(self, path: str, access: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {access}"} if access else {}
        return await self.call("GET", path, headers=headers)

    async def post(self, path: str, access: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = {
            **kwargs.pop("headers", {}),
            **({"Authorization": f"Bearer {access}"} if access else {}),
        }
        return await self.call("POST", path, headers=headers, **kwargs)


def cookie_of(response: httpx.Response) -> str:
    value = response.cookies.get("refresh_token")
    assert value, f"no refresh cookie in {response.headers}"
    return value


def error_of(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) >= {"error", "message"}, body
    return str(body["error"])


@pytest.fixture
async def make_api() -> AsyncIterator[Callable[..., Api]]:
    clients: list[httpx.AsyncClient] = []

    def factory(
        client_host: str = "127.0.0.1", base_url: str = "http://testserver", **overrides: Any
    ) -> Api:
        app = create_app(make_settings(**overrides))
        transport = httpx.ASGITransport(app=app, client=(client_host, 50000))
        client = httpx.AsyncClient(transport=transport, base_url=base_url)
        clients.append(client)
        return Api(app, client)

    yield factory
    for client in clients:
        await client.aclose()


@pytest.fixture
def api(make_api: Callable[..., Api]) -> Api:
    return make_api()
