"""The same tabs against a server in another process: real HTTP and the server's test clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx
import pytest

from harness.client import Profile, Target
from harness.clock import RemoteServerClock, VirtualClock
from harness.events import Recorder, RefreshSucceeded, Rotation
from harness.server import AppServer
from harness.target import load_profile

REFERENCE = load_profile("reference-app")

FAST_HASHING = {"REFAPP_PASSWORD_HASH_MEMORY_KIB": "8", "REFAPP_PASSWORD_HASH_TIME_COST": "1"}


@pytest.fixture(scope="module")
def server() -> Iterator[AppServer]:
    with AppServer(env=FAST_HASHING, access_log=False) as running:
        yield running


async def test_tab_over_http_refreshes_when_the_server_clock_is_moved(server: AppServer) -> None:
    recorder = Recorder()
    remote = RemoteServerClock(server.base_url)
    clock = VirtualClock(recorder=recorder, server=remote)
    await remote.set(clock.now())
    profile = Profile(Target.http(server.base_url, REFERENCE), clock, recorder)
    try:
        tab = await profile.login("alice@example.com", "wonderland")
        await clock.advance(timedelta(minutes=26))
        assert recorder.count(RefreshSucceeded) == 1 and recorder.count(Rotation) == 1
        session = await tab.get("/api/auth/session")
        assert session.status_code == 200
        # The server's test clock is an offset on its real clock: it runs on by real time.
        server_now = datetime.fromisoformat(session.json()["server_time"])
        assert timedelta(0) <= server_now - clock.now() < timedelta(seconds=5)
        await clock.advance(timedelta(hours=2), mode="fast_forward")
        assert not await tab.signed_in() and await tab.login_reason() == "session_idle"
    finally:
        await profile.aclose()
        await remote.aclose()


def test_http_target_rejects_a_url_without_scheme() -> None:
    with pytest.raises(ValueError, match="http://"):
        Target.http("localhost:8000", REFERENCE)


async def test_remote_clock_against_a_server_without_test_clock_fails_clearly() -> None:
    with AppServer(env=FAST_HASHING, test_clock=False, access_log=False) as plain:
        remote = RemoteServerClock(plain.base_url, client=httpx.AsyncClient())
        with pytest.raises(RuntimeError, match="test clock"):
            await remote.set(VirtualClock().now())
        await remote.aclose()


async def test_lazy_remote_clock_posts_once_per_request_not_once_per_step(
    server: AppServer,
) -> None:
    posts: list[str] = []

    async def count(request: httpx.Request) -> None:
        posts.append(request.url.path)

    recorder = Recorder()
    remote = RemoteServerClock(
        server.base_url, lazy=True, client=httpx.AsyncClient(event_hooks={"request": [count]})
    )
    clock = VirtualClock(recorder=recorder, server=remote)
    await remote.set(clock.now())
    profile = Profile(Target.http(server.base_url, REFERENCE), clock, recorder)
    try:
        tab = await profile.login("alice@example.com", "wonderland")
        assert len(posts) == 1  # the deferred start, sent before the first request
        await clock.advance(timedelta(minutes=20))  # 40 timer steps, nothing sent
        assert len(posts) == 1
        session = await tab.get("/api/auth/session")
        assert len(posts) == 2
        server_now = datetime.fromisoformat(session.json()["server_time"])
        assert timedelta(0) <= server_now - clock.now() < timedelta(seconds=5)
        await clock.advance(timedelta(minutes=6))  # the refresh at 25 min syncs first
        assert recorder.count(RefreshSucceeded) == 1
        assert len(posts) == 3
    finally:
        await profile.aclose()
        await remote.aclose()
