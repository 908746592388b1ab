from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from freezegun.api import FrozenDateTimeFactory

from reference_app.regressions import CATALOGUE
from tests.reference_app.conftest import XRW, Api, cookie_of, error_of

STATIC = Path(__file__).resolve().parents[2] / "reference_app" / "static"


async def test_config_lists_active_regressions(make_api: Callable[..., Api]) -> None:
    api = make_api(regressions="per_tab_lock,no_reuse_grace")
    config = (await api.get("/api/auth/config")).json()
    assert config["regressions"] == ["no_reuse_grace", "per_tab_lock"]


async def test_no_reuse_grace_rejects_parent_inside_window(
    make_api: Callable[..., Api], frozen: FrozenDateTimeFactory
) -> None:
    api = make_api(regressions="no_reuse_grace")
    _, root = await api.login()
    await api.refresh(root)
    assert error_of(await api.refresh(root)) == "refresh_reused"


async def test_zero_grace_rejects_parent_at_the_same_instant(
    make_api: Callable[..., Api], frozen: FrozenDateTimeFactory
) -> None:
    api = make_api(rotation_grace_seconds=0)
    _, root = await api.login()
    await api.refresh(root)
    assert error_of(await api.refresh(root)) == "refresh_reused"


async def test_naive_datetimes_reproduces_the_comparison_crash(
    make_api: Callable[..., Api], frozen: FrozenDateTimeFactory, caplog: pytest.LogCaptureFixture
) -> None:
    api = make_api(regressions="naive_datetimes")
    _, root = await api.login()
    response = await api.refresh(root)
    assert (response.status_code, error_of(response)) == (500, "internal_error")
    assert "offset-naive and offset-aware" in caplog.text
    assert "Traceback" not in response.text


async def test_healthy_store_returns_aware_datetimes(
    api: Api, frozen: FrozenDateTimeFactory
) -> None:
    body, root = await api.login()
    sid = (await api.get("/api/auth/session", body["access_token"])).json()["sid"]
    cookie_of(await api.refresh(root))
    session = api.app.state.services.sessions.store.get(sid)
    stamps = [
        session.created_at,
        session.rotated_at,
        session.last_activity,
        session.refresh_expires_at,
        session.session_expires_at,
    ]
    assert all(s.utcoffset() is not None and s.utcoffset().total_seconds() == 0 for s in stamps)


COOKIE_REGRESSIONS = [
    ("", "refresh_token=<t>; HttpOnly; Path=/api/auth; SameSite=strict"),
    ("refresh_cookie_path_root", "refresh_token=<t>; HttpOnly; Path=/; SameSite=strict"),
    ("refresh_cookie_script_readable", "refresh_token=<t>; Path=/api/auth; SameSite=strict"),
    (
        "refresh_cookie_outlives_ttl",
        "refresh_token=<t>; HttpOnly; Path=/api/auth; Max-Age=6048000; SameSite=strict",
    ),
]


@pytest.mark.parametrize(("regressions", "header"), COOKIE_REGRESSIONS)
async def test_refresh_cookie_regressions_change_the_sign_in_set_cookie(
    make_api: Callable[..., Api], regressions: str, header: str
) -> None:
    api = make_api(regressions=regressions)
    body = {"email": "alice@example.com", "password": "wonderland"}
    response = await api.call("POST", "/api/auth/login", json=body, headers=XRW)
    [set_cookie] = response.headers.get_list("set-cookie")
    assert set_cookie.replace(cookie_of(response), "<t>") == header


@pytest.mark.parametrize(
    ("regressions", "path"), [("", "/api/auth"), ("logout_clears_wrong_path", "/")]
)
async def test_logout_clears_the_refresh_cookie_at_its_path_unless_told_otherwise(
    make_api: Callable[..., Api], regressions: str, path: str
) -> None:
    api = make_api(regressions=regressions)
    _, token = await api.login()
    headers = {**XRW, "Cookie": f"refresh_token={token}"}
    response = await api.call("POST", "/api/auth/logout", headers=headers)
    [cleared] = response.headers.get_list("set-cookie")
    assert "Max-Age=0" in cleared and f"Path={path};" in cleared


@pytest.mark.parametrize(
    ("regressions", "bob_is_told"),
    [("", "bob@example.com"), ("shared_session_cache", "alice@example.com")],
)
async def test_the_session_view_names_its_own_user_unless_its_answer_is_shared(
    make_api: Callable[..., Api], frozen: FrozenDateTimeFactory, regressions: str, bob_is_told: str
) -> None:
    api = make_api(regressions=regressions)
    alice, _ = await api.login()
    bob, _ = await api.login("bob@example.com", "builder")
    await api.get("/api/auth/session", alice["access_token"])
    answer = (await api.get("/api/auth/session", bob["access_token"])).json()
    assert answer["user"]["email"] == bob_is_told


async def test_the_shared_session_answer_is_renewed_once_it_is_stale(
    make_api: Callable[..., Api], frozen: FrozenDateTimeFactory
) -> None:
    api = make_api(regressions="shared_session_cache")
    alice, _ = await api.login()
    bob, _ = await api.login("bob@example.com", "builder")
    await api.get("/api/auth/session", alice["access_token"])
    frozen.tick(31)
    answer = (await api.get("/api/auth/session", bob["access_token"])).json()
    assert answer["user"]["email"] == "bob@example.com"


def test_every_client_regression_is_switched_in_the_frontends_scripts() -> None:
    scripts = "".join(path.read_text() for path in STATIC.rglob("*.js"))
    client = [entry.name for entry in CATALOGUE if entry.layer == "client"]
    assert [name for name in client if f'regression("{name}")' not in scripts] == []
