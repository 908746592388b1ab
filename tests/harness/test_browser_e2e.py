"""The driver against the real reference app and frontend: one user, one tab, one refresh."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest_asyncio

from harness.browser import BrowserSession
from harness.clock import RemoteServerClock, VirtualClock
from harness.events import Recorder, RedirectToLogin, RefreshStarted
from harness.server import AppServer

FAST_LOGIN = {"REFAPP_PASSWORD_HASH_MEMORY_KIB": "8", "REFAPP_PASSWORD_HASH_TIME_COST": "1"}


@pytest_asyncio.fixture
async def server() -> AsyncIterator[AppServer]:
    async with AppServer(FAST_LOGIN) as running:  # access token 30 min, refresh 5 min before
        yield running


async def test_active_tab_chats_across_token_expiry_with_one_refresh_and_no_redirect(
    server: AppServer,
    tmp_path: Path,
) -> None:
    recorder = Recorder()
    remote = RemoteServerClock(server.base_url)
    clock = VirtualClock(recorder=recorder, server=remote)
    await remote.set(clock.now())
    try:
        async with BrowserSession(server, clock, recorder, tmp_path) as session:
            alice = await session.new_profile("alice")
            tab = await alice.new_tab("/login")
            await tab.login("alice@example.com", "wonderland")
            assert await tab.stream_chat("2+2") == "4"
            await clock.advance(timedelta(minutes=31))
            assert await tab.chat("(3*4)-1") == "11"
            assert await tab.stream_chat("hello") == "echo: hello"
    finally:
        await remote.aclose()
    assert recorder.count(RedirectToLogin) == 0, server.log_tail()
    assert alice.refresh_request_count == 1
    assert recorder.count(RefreshStarted, profile="alice") >= 1
