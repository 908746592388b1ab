from __future__ import annotations

from collections.abc import Callable

import pytest
from freezegun.api import FrozenDateTimeFactory

from tests.reference_app.conftest import Api, cookie_of, error_of


async def test_api_call_extends_idle_deadline(api: Api, frozen: FrozenDateTimeFactory) -> None:
    _, token = await api.login()
    frozen.tick(3000)
    refreshed = await api.refresh(token)
    session = await api.get("/api/auth/session", refreshed.json()["access_token"])
    assert session.json()["idle_expires_at"] == "2026-01-10T10:50:00+00:00"
    frozen.tick(3000)  # 6000 s after login, 3000 s after the last call
    assert (await api.refresh(cookie_of(refreshed))).status_code == 200


async def test_idle_session_is_rejected_on_api_call_and_revoked(
    api: Api, frozen: FrozenDateTimeFactory
) -> None:
    _, token = await api.login()
    frozen.tick(2000)
    refreshed = await api.refresh(token)  # a refresh is not activity
    frozen.tick(1600)
    response = await api.get("/api/auth/session", refreshed.json()["access_token"])
    assert (response.status_code, error_of(response)) == (401, "session_idle")
    assert error_of(await api.refresh(cookie_of(refreshed))) == "session_idle"
    assert len(api.app.state.services.audit.events("idle_timeout")) == 1


@pytest.mark.parametrize("idle", [300, 7200])
async def test_idle_timeout_follows_its_setting_to_the_second(
    make_api: Callable[..., Api], frozen: FrozenDateTimeFactory, idle: int
) -> None:
    api = make_api(idle_timeout_seconds=idle, refresh_threshold_seconds=60, warning_lead_seconds=60)
    _, token = await api.login()
    frozen.tick(idle - 1)
    refreshed = await api.refresh(token)  # alive one second before; refresh is not activity
    assert refreshed.status_code == 200, refreshed.text
    frozen.tick(1)
    assert error_of(await api.refresh(cookie_of(refreshed))) == "session_idle"


async def test_idle_timeout_zero_disables_it(
    make_api: Callable[..., Api], frozen: FrozenDateTimeFactory
) -> None:
    api = make_api(idle_timeout_seconds=0)
    body, token = await api.login()
    assert body["idle_expires_at"] is None
    frozen.tick(86400 * 3)
    assert (await api.refresh(token)).status_code == 200


async def test_activity_writes_are_throttled_but_idle_check_sees_every_call(
    api: Api, frozen: FrozenDateTimeFactory
) -> None:
    body, token = await api.login()
    store = api.app.state.services.sessions.store
    sid = (await api.get("/api/auth/session", body["access_token"])).json()["sid"]
    written_at_login = store.get(sid).last_activity
    frozen.tick(20)
    await api.get("/api/auth/session", body["access_token"])
    assert store.get(sid).last_activity == written_at_login  # inside the 30 s throttle
    frozen.tick(3590)  # 3610 s after login, 3590 s after the unwritten call
    assert (await api.refresh(token)).status_code == 200


async def test_activity_store_write_happens_after_interval(
    api: Api, frozen: FrozenDateTimeFactory
) -> None:
    body, _ = await api.login()
    store = api.app.state.services.sessions.store
    sid = (await api.get("/api/auth/session", body["access_token"])).json()["sid"]
    frozen.tick(31)
    await api.get("/api/auth/session", body["access_token"])
    assert store.get(sid).last_activity.isoformat() == "2026-01-10T09:00:31+00:00"


async def test_absolute_lifetime_ends_an_active_session(
    make_api: Callable[..., Api], frozen: FrozenDateTimeFactory
) -> None:
    api = make_api(session_max_seconds=3000, idle_timeout_seconds=0, warning_lead_seconds=60)
    _, token = await api.login()
    frozen.tick(1500)
    token = cookie_of(await api.refresh(token))
    access = (await api.refresh(token)).json()["access_token"]
    frozen.tick(1500)
    response = await api.get("/api/auth/session", access)
    assert (response.status_code, error_of(response)) == (401, "session_expired")
