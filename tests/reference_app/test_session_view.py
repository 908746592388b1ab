from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory

from tests.reference_app.conftest import LOOPBACK_URL, START, XRW, Api, cookie_of, error_of


def viewer(make_api: Callable[..., Api], **settings: object) -> Api:
    return make_api(test_clock=True, base_url=LOOPBACK_URL, **settings)


async def test_session_view_is_not_found_without_the_test_clock(api: Api) -> None:
    response = await api.get("/__harness__/sessions/" + "0" * 32)
    assert (response.status_code, error_of(response)) == (404, "not_found")


async def test_session_view_refuses_non_loopback_clients(make_api: Callable[..., Api]) -> None:
    api = make_api(client_host="10.1.2.3", test_clock=True, base_url=LOOPBACK_URL)
    response = await api.get("/__harness__/sessions/" + "0" * 32)
    assert (response.status_code, error_of(response)) == (403, "forbidden")


async def test_session_view_refuses_a_foreign_host_name(make_api: Callable[..., Api]) -> None:
    api = make_api(test_clock=True, base_url="http://evil.example")
    response = await api.get("/__harness__/sessions/" + "0" * 32)
    assert (response.status_code, error_of(response)) == (403, "forbidden")


async def test_session_view_after_login_and_rotation_tells_generation_and_events(
    make_api: Callable[..., Api], frozen: FrozenDateTimeFactory
) -> None:
    api = viewer(make_api)
    body, root = await api.login()
    frozen.tick(timedelta(minutes=26))
    cookie_of(await api.refresh(root))
    view = (await api.get("/__harness__/sessions/current", body["access_token"])).json()
    assert (view["generation"], view["rotations"], view["revoked"]) == (1, 1, False)
    assert view["user"] == "alice@example.com"
    assert view["last_activity"] == START.isoformat()  # the refresh was not activity
    assert view["rotated_at"] == (START + timedelta(minutes=26)).isoformat()
    assert [e["kind"] for e in view["events"]] == ["login", "rotation"]
    assert view["events"][1]["generation"] == 1
    by_id = (await api.get(f"/__harness__/sessions/{view['sid']}")).json()
    assert by_id == view


async def test_session_view_names_the_revocation_reason_in_the_harness_vocabulary(
    make_api: Callable[..., Api], frozen: FrozenDateTimeFactory
) -> None:
    api = viewer(make_api)
    body, root = await api.login()
    child = cookie_of(await api.refresh(root))
    frozen.tick(timedelta(minutes=1))  # outside the grace window
    assert error_of(await api.refresh(root)) == "refresh_reused"
    view = (await api.get("/__harness__/sessions/current", body["access_token"])).json()
    assert (view["revoked"], view["revoked_reason"]) == (True, "refresh_reused")
    assert view["revoked_at"] == (START + timedelta(minutes=1)).isoformat()
    assert child != root


async def test_session_view_reads_an_expired_access_token_and_counts_no_activity(
    make_api: Callable[..., Api], frozen: FrozenDateTimeFactory
) -> None:
    api = viewer(make_api)
    body, _ = await api.login()
    frozen.tick(timedelta(hours=1, minutes=1))  # past the token and the idle timeout
    view = (await api.get("/__harness__/sessions/current", body["access_token"])).json()
    assert view["last_activity"] == START.isoformat()
    assert view["idle_expires_at"] == (START + timedelta(hours=1)).isoformat()
    assert view["revoked"] is False  # nothing asked the server since: it has not judged yet


async def test_session_view_of_a_bad_token_or_unknown_session_is_a_json_error(
    make_api: Callable[..., Api],
) -> None:
    api = viewer(make_api)
    missing = await api.get("/__harness__/sessions/current")
    assert (missing.status_code, error_of(missing)) == (401, "token_missing")
    forged = await api.get("/__harness__/sessions/current", "not.a.jwt")
    assert (forged.status_code, error_of(forged)) == (401, "token_invalid")
    unknown = await api.get("/__harness__/sessions/" + "f" * 32)
    assert (unknown.status_code, error_of(unknown)) == (404, "not_found")
    posted = await api.post("/__harness__/sessions/" + "f" * 32, headers=XRW)
    assert (posted.status_code, error_of(posted)) == (405, "method_not_allowed")
