"""harness/adapters: the test-clock protocol core, and the ASGI, WSGI and Django adapters.

The core is tested in-process with requests that never move time (a move would patch this
process's clock); every move goes to a probe app in a real server process of its own.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from harness.adapters import asgi
from harness.adapters.clock_core import (
    CLOCK_PATH,
    ENV_VAR,
    MAX_BODY_BYTES,
    ClockEndpoint,
    ClockRefused,
    ClockRequest,
    is_loopback_address,
    is_loopback_host,
    parse_move,
)
from harness.server import AppServer
from tests.apps.servers import REPO_ROOT, WaitressServer

JSON = "application/json"
DAY = 86400.0


def move(body: bytes | str, content_type: str | None = JSON) -> tuple[str, Any]:
    return parse_move(content_type, body.encode() if isinstance(body, str) else body)


def refusal(body: bytes | str, content_type: str | None = JSON) -> tuple[int, str]:
    with pytest.raises(ClockRefused) as caught:
        move(body, content_type)
    return caught.value.status, caught.value.code


# --- the core, in-process --------------------------------------------------------------


def test_parse_move_reads_an_advance_or_an_aware_set() -> None:
    assert move('{"advance_seconds": 90}') == ("advance_seconds", 90.0)
    assert move('{"advance_seconds": -1.5, "set": null}') == ("advance_seconds", -1.5)
    field, moment = move('{"set": "2030-01-02T03:04:05Z"}')
    assert (field, moment) == ("set", datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert move('{"set": "2030-01-02T03:04:05+02:00"}', "application/json; charset=utf-8")


@pytest.mark.parametrize(
    "body",
    [
        "{}",
        '{"advance_seconds": 1, "set": "2030-01-01T00:00:00+00:00"}',
        '{"advance_seconds": true}',
        '{"advance_seconds": "60"}',
        '{"advance_seconds": NaN}',
        '{"advance_seconds": Infinity}',
        '{"advance_seconds": 1' + "0" * 400 + "}",
        '{"set": "2030-01-01T00:00:00"}',
        '{"set": "next tuesday"}',
        '{"set": 1893456000}',
        '{"advance": 60}',
        '{"advance_seconds": 60, "reason": "typo check"}',
    ],
)
def test_parse_move_refuses_a_bad_field_with_422(body: str) -> None:
    assert refusal(body) == (422, "validation_failed")


@pytest.mark.parametrize("body", ["", "not json", "[1, 2]", '"advance_seconds"', "null"])
def test_parse_move_refuses_a_body_that_is_not_a_json_object_with_400(body: str) -> None:
    assert refusal(body) == (400, "bad_request")


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_parse_move_refuses_a_body_not_sent_as_json_with_400(content_type: str | None) -> None:
    # Browsers send these cross-site without a preflight; JSON needs one.
    assert refusal('{"advance_seconds": 60}', content_type) == (400, "bad_request")


def test_parse_move_refuses_an_oversized_body_with_413() -> None:
    body = '{"advance_seconds": 60, "pad": "' + "x" * MAX_BODY_BYTES + '"}'
    assert refusal(body) == (413, "payload_too_large")


def test_refusal_of_a_field_names_it_in_the_details() -> None:
    with pytest.raises(ClockRefused) as caught:
        move('{"advance_seconds": true}')
    assert caught.value.reply().payload == {
        "error": "validation_failed",
        "message": "must be a finite number",
        "details": [{"field": "advance_seconds", "problem": "must be a finite number"}],
    }


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.0.0.1:8000", "localhost", "LOCALHOST:1", "[::1]", "[::1]:8000", "::1"],
)
def test_loopback_host_headers_are_accepted(host: str) -> None:
    assert is_loopback_host(host)


@pytest.mark.parametrize(
    "host",
    [
        "",
        "evil.example",
        "evil.example:8000",
        "localhost.evil.example",
        "127.0.0.1.nip.io",
        "10.0.0.1:8000",
        "[::2]:80",
        "[::1]x",
        "localhost:http",
    ],
)
def test_other_host_headers_are_refused(host: str) -> None:
    assert not is_loopback_host(host)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.9.9.9", "::1", "::ffff:127.0.0.1"])
def test_loopback_client_addresses_are_accepted(host: str) -> None:
    assert is_loopback_address(host)


@pytest.mark.parametrize("host", [None, "", "10.1.2.3", "::ffff:10.1.2.3", "192.0.2.1", "x"])
def test_other_client_addresses_are_refused(host: str | None) -> None:
    assert not is_loopback_address(host)


def answer(enabled: bool = True, **fields: Any) -> tuple[int, dict[str, Any]]:
    request = {"method": "GET", "client_host": "127.0.0.1", "host_header": "127.0.0.1:1"}
    reply = ClockEndpoint(enabled).answer(ClockRequest(**{**request, **fields}))
    return reply.status, reply.payload


def test_disabled_endpoint_answers_404_before_any_other_check() -> None:
    status, payload = answer(enabled=False, client_host="10.1.2.3", method="DELETE")
    assert (status, payload["error"]) == (404, "not_found")


def test_endpoint_refuses_a_remote_client_or_a_foreign_host_with_403() -> None:
    assert answer(client_host="10.1.2.3")[0] == 403
    assert answer(host_header="rebound.example:8000")[0] == 403
    assert answer(host_header=None)[0] == 200  # HTTP/1.0: no Host, no rebinding


def test_endpoint_answers_other_methods_with_405_and_allow() -> None:
    reply = ClockEndpoint(True).answer(ClockRequest("PUT", "127.0.0.1", "localhost"))
    assert (reply.status, dict(reply.headers)["allow"]) == (405, "GET, POST")


def test_endpoint_get_reports_real_time_and_no_offset_before_any_move() -> None:
    reply = ClockEndpoint(True).answer(ClockRequest("GET", "::1", "[::1]:9"))
    assert reply.payload["offset_seconds"] == 0.0
    assert abs(datetime.fromisoformat(reply.payload["now"]).timestamp() - time.time()) < 5
    assert dict(reply.headers)["cache-control"] == "no-store"


# --- the adapters, each in front of a probe app in its own server process ---------------

PROBES: dict[str, dict[str, Any]] = {
    "asgi": {"app": "tests.apps.clock_probe:asgi_app"},
    "wsgi": {"app": "tests.apps.clock_probe:wsgi_app", "server": WaitressServer},
    "django-urls": {"app": "tests.apps.clock_probe_django:application"},
    "django-middleware": {
        "app": "tests.apps.clock_probe_django:application",
        "env": {"PROBE_DJANGO_VIA": "middleware"},
    },
}


def probe_server(kind: str, *, test_clock: bool) -> AppServer:
    probe = PROBES[kind]
    server_class: type[AppServer] = probe.get("server", AppServer)
    return server_class(
        {"PYTHONPATH": str(REPO_ROOT), ENV_VAR: "0", **probe.get("env", {})},
        app=probe["app"],
        factory=False,
        test_clock=test_clock,
        clock_env=ENV_VAR,
        ready_path="/time",
        access_log=False,
    )


class Probe:
    def __init__(self, base_url: str) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=10.0)

    def clock(self, body: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        if body is None and not kwargs:
            return self.client.get(CLOCK_PATH)
        return self.client.post(CLOCK_PATH, json=body, **kwargs)

    def reading(self) -> tuple[float, datetime]:
        """The server process's `time.time()` and `datetime.now(UTC)`."""
        body = self.client.get("/time").json()
        return body["time"], datetime.fromisoformat(body["now"])


@pytest.fixture(scope="module", params=list(PROBES))
def probe_process(request: pytest.FixtureRequest) -> Iterator[str]:
    with probe_server(request.param, test_clock=True) as server:
        yield server.base_url


@pytest.fixture
def probe(probe_process: str) -> Iterator[Probe]:
    probe = Probe(probe_process)
    yield probe
    offset = probe.clock().json()["offset_seconds"]
    if offset:
        probe.clock({"advance_seconds": -offset})
    probe.client.close()


def test_advance_moves_time_and_datetime_in_the_server_process(probe: Probe) -> None:
    moved = probe.clock({"advance_seconds": 3 * DAY})
    assert (moved.status_code, moved.json()["offset_seconds"]) == (200, 3 * DAY)
    assert moved.headers["cache-control"] == "no-store"
    server_time, server_now = probe.reading()
    assert abs(server_time - (time.time() + 3 * DAY)) < 5
    assert abs(server_now.timestamp() - server_time) < 5
    assert probe.clock({"advance_seconds": DAY}).json()["offset_seconds"] == 4 * DAY
    assert abs(probe.reading()[0] - (time.time() + 4 * DAY)) < 5  # a second move adds up


def test_set_jumps_to_a_past_instant_and_time_keeps_flowing(probe: Probe) -> None:
    probe.clock({"advance_seconds": DAY})  # a jump from a moved clock, not from real time
    moved = probe.clock({"set": "2020-02-29T12:00:00+00:00"})
    assert moved.json()["now"].startswith("2020-02-29T12:00:0")
    assert moved.json()["offset_seconds"] < 0
    first, _ = probe.reading()
    time.sleep(0.05)
    second, now = probe.reading()
    assert now.date().isoformat() == "2020-02-29"
    assert 0 < second - first < 5


def test_advancing_back_to_zero_restores_real_time(probe: Probe) -> None:
    probe.clock({"advance_seconds": 600})
    back = probe.clock({"advance_seconds": -600})
    assert back.json()["offset_seconds"] == 0
    assert abs(probe.reading()[0] - time.time()) < 5


def test_move_beyond_a_hundred_years_is_refused_and_changes_nothing(probe: Probe) -> None:
    probe.clock({"advance_seconds": 3600})
    refused = probe.clock({"set": "2300-01-01T00:00:00+00:00"})
    assert (refused.status_code, refused.json()["error"]) == (422, "validation_failed")
    assert refused.json()["details"][0]["field"] == "set"
    assert probe.clock().json()["offset_seconds"] == 3600


def test_adapter_passes_body_and_content_type_to_the_checks(probe: Probe) -> None:
    assert probe.clock({"advance_seconds": True}).status_code == 422
    as_text = probe.clock(
        content=b'{"advance_seconds": 60}', headers={"content-type": "text/plain"}
    )
    assert (as_text.status_code, as_text.json()["error"]) == (400, "bad_request")
    too_big = probe.clock({"advance_seconds": 1, "pad": "x" * MAX_BODY_BYTES})
    assert too_big.status_code == 413
    assert probe.clock().json()["offset_seconds"] == 0


def test_adapter_refuses_a_rebound_host_and_accepts_localhost(probe: Probe) -> None:
    port = probe.client.base_url.port
    refused = probe.client.get(CLOCK_PATH, headers={"host": f"rebound.example:{port}"})
    assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")
    assert probe.client.get(CLOCK_PATH, headers={"host": f"localhost:{port}"}).status_code == 200


def test_adapter_refuses_a_remote_client_behind_a_local_proxy(probe: Probe) -> None:
    # uvicorn and the probes' waitress trust X-Forwarded-For from loopback, as behind nginx.
    response = probe.client.get(CLOCK_PATH, headers={"x-forwarded-for": "203.0.113.9"})
    assert (response.status_code, response.json()["error"]) == (403, "forbidden")


def test_adapter_answers_other_methods_with_405(probe: Probe) -> None:
    assert probe.client.delete(CLOCK_PATH).status_code == 405


@pytest.mark.parametrize("kind", list(PROBES))
def test_adapter_is_off_unless_enabled(kind: str) -> None:
    with probe_server(kind, test_clock=False) as server, httpx.Client() as client:
        for response in (
            client.get(server.base_url + CLOCK_PATH),
            client.post(server.base_url + CLOCK_PATH, json={"set": "x"}),
        ):
            assert (response.status_code, response.json()["error"]) == (404, "not_found")
        assert abs(client.get(server.base_url + "/time").json()["time"] - time.time()) < 5


@pytest.mark.parametrize(("setting", "env_on", "status"), [("on", False, 200), ("off", True, 404)])
def test_django_setting_wins_over_the_environment_variable(
    setting: str, env_on: bool, status: int
) -> None:
    server = probe_server("django-urls", test_clock=env_on)
    server.env["PROBE_DJANGO_SETTING"] = setting
    with server:
        assert httpx.get(server.base_url + CLOCK_PATH).status_code == status


async def test_asgi_adapter_wraps_a_fastapi_app_and_passes_other_requests_through() -> None:
    api = FastAPI()

    @api.get("/hello")
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    app = asgi.TestClockMiddleware(api, enabled=True)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        assert (await client.get("/hello")).json() == {"hello": "world"}
        assert (await client.get(CLOCK_PATH)).json()["offset_seconds"] == 0.0
        assert (await client.get("/missing")).status_code == 404


@pytest.mark.parametrize(
    ("module", "allowed"),
    [
        ("harness.adapters.asgi", set()),
        ("harness.adapters.wsgi", set()),
        ("harness.adapters.django", {"django"}),
        ("harness.adapters.django_urls", {"django"}),
    ],
)
def test_importing_an_adapter_loads_nothing_else_from_the_harness(
    module: str, allowed: set[str]
) -> None:
    code = f"import sys\nimport {module}\nprint(' '.join(sorted(sys.modules)))\n"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    harness = {name for name in loaded if name.split(".")[0] == "harness"}
    assert {name for name in harness if not name.startswith("harness.adapters")} == {"harness"}
    roots = {name.split(".")[0] for name in loaded}
    heavy = {"playwright", "locust", "gevent", "httpx", "freezegun", "pytest", "time_machine"}
    assert roots & (heavy | {"django"}) == allowed
