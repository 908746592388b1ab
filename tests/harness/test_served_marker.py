"""`@pytest.mark.served`: the app in its own process even when it could run in this one."""

from __future__ import annotations

import httpx
import pytest

from harness.app import AppUnderTest


@pytest.mark.served
async def test_served_marker_starts_the_profile_command_instead_of_the_asgi_app(
    refapp: AppUnderTest,
) -> None:
    assert refapp.app is None and refapp.base_url is not None
    async with httpx.AsyncClient() as client:
        response = await client.get(refapp.base_url + "/api/auth/config")
    assert response.status_code == 200


async def test_without_the_marker_the_reference_app_runs_in_process(refapp: AppUnderTest) -> None:
    assert refapp.app is not None and refapp.base_url is None
