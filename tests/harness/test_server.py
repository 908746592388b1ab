"""harness/server.py: the reference app in its own uvicorn process."""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from harness.clock import RemoteServerClock
from harness.server import AppServer, ServerStartError

ENV = {"REFAPP_ACCESS_TTL_SECONDS": "900", "REFAPP_PASSWORD_HASH_MEMORY_KIB": "8"}


@pytest.fixture(scope="module")
def server() -> Iterator[AppServer]:
    with AppServer(ENV) as running:
        yield running


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_app_server_answers_on_loopback_with_env_overrides(server: AppServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    config = httpx.get(server.base_url + "/api/auth/config").json()
    assert config["access_ttl_seconds"] == 900


async def test_app_server_time_moves_through_the_remote_test_clock(server: AppServer) -> None:
    target = datetime(2031, 3, 4, 5, 6, 7, tzinfo=UTC)
    remote = RemoteServerClock(server.base_url)
    try:
        await remote.set(target)
    finally:
        await remote.aclose()
    server_time = httpx.get(server.base_url + "/api/auth/config").json()["server_time"]
    assert abs((datetime.fromisoformat(server_time) - target).total_seconds()) < 5


def test_app_server_log_captures_the_access_log(server: AppServer) -> None:
    httpx.get(server.base_url + "/api/auth/config")
    assert "GET /api/auth/config" in server.log()


def test_app_server_exit_kills_the_process_and_frees_the_port() -> None:
    with AppServer(ENV) as running:
        pid, port = running.pid, running.port
        assert pid is not None and process_exists(pid)
    assert not running.running
    assert not process_exists(pid)
    assert port_is_free(port)


def test_app_server_without_test_clock_hides_the_clock_endpoint() -> None:
    with AppServer(ENV, test_clock=False) as running:
        response = httpx.post(running.base_url + "/__harness__/clock", json={"advance_seconds": 60})
    assert (response.status_code, response.json()["error"]) == (404, "not_found")


def test_app_server_whose_app_cannot_import_raises_with_the_log() -> None:
    server = AppServer(app="no_such_module_for_appserver:create_app")
    with pytest.raises(ServerStartError, match="exited with code") as info:
        server.start()
    assert "no_such_module_for_appserver" in str(info.value)
    assert not server.running


def test_app_server_with_bad_setting_fails_fast_naming_it() -> None:
    with pytest.raises(ServerStartError, match=r"(?i)access_ttl_seconds"):
        AppServer({"REFAPP_ACCESS_TTL_SECONDS": "-5"}).start()


async def test_app_server_async_context_manager_starts_and_stops() -> None:
    async with AppServer(ENV) as running:
        async with httpx.AsyncClient(base_url=running.base_url) as client:
            assert (await client.get("/api/auth/config")).status_code == 200
        pid = running.pid
    assert pid is not None and not process_exists(pid)


def _read_answer(sock: socket.socket) -> bytes:
    """One HTTP answer: its head, then as many body bytes as its content-length says."""
    reply = b""
    while b"\r\n\r\n" not in reply and (chunk := sock.recv(65536)):
        reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    while len(body) < length and (chunk := sock.recv(65536)):
        body += chunk
    return head + b"\r\n\r\n" + body


def _oversized_answer(port: int, size: int) -> tuple[bytes, float]:
    head = (
        f"GET /api/chat/history HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {'a' * size}\r\n\r\n"
    ).encode()
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        # it answered and closed before reading all of it
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(head)
        reply = _read_answer(sock)
    return reply, time.perf_counter() - started


@pytest.mark.parametrize("size", [20_000, 1_000_000])
def test_app_server_answers_an_oversized_header_431_in_json_within_50_ms(
    server: AppServer, size: int
) -> None:
    """Past the app's 16 KiB its middleware answers; past the server's bound, the server
    itself (`reference_app.protocol`), before reading the rest."""
    answers = [_oversized_answer(server.port, size) for _ in range(5)]
    reply, _ = answers[0]
    assert reply.startswith(b"HTTP/1.1 431 "), reply[:200]
    assert b'{"error":' in reply and b'"headers_too_large"' in reply
    assert sorted(seconds for _, seconds in answers)[2] < 0.050
