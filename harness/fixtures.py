"""Fixtures of the session-harness pytest plugin: the app under test, its clock and its users.

Client and app modules are imported inside the fixtures, so loading the plugin (which every
pytest run in the project does) stays cheap and never depends on them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from harness.events import Recorder
from harness.report.collector import RECORDER_KEY

if TYPE_CHECKING:
    from harness.client import ClientOptions, Target
    from harness.clock import VirtualClock
    from harness.users import UserProfile

# Logins in a test need not resist offline cracking: the cheapest argon2 keeps suites fast.
FAST_PASSWORD_HASHING: dict[str, Any] = {
    "password_hash_memory_kib": 8,
    "password_hash_time_cost": 1,
}


@dataclass(frozen=True)
class RefApp:
    """The server under test: the embedded app (`app`) or one in another process (`base_url`)."""

    app: Any = None
    base_url: str | None = None
    settings: Any = None  # reference_app.Settings of the embedded app; None for a remote one
    overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def remote(self) -> bool:
        return self.base_url is not None


def marker_overrides(item: pytest.Item) -> dict[str, Any]:
    """Settings overrides of every `refapp` marker, the closest (function level) winning."""
    merged: dict[str, Any] = {}
    for marker in reversed(list(item.iter_markers("refapp"))):
        if marker.args:
            raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.refapp takes keywords only")
        merged.update(marker.kwargs)
    return merged


@pytest.fixture
def harness_settings() -> dict[str, Any]:
    """Settings overrides for the embedded app; override this fixture in a module or conftest."""
    return {}


@pytest.fixture
def recorder(request: pytest.FixtureRequest) -> Recorder:
    """The test's event recorder; the report reads it back from the test item."""
    rec = Recorder()
    request.node.stash[RECORDER_KEY] = rec
    return rec


@pytest.fixture
def refapp(request: pytest.FixtureRequest, harness_settings: dict[str, Any]) -> RefApp:
    overrides = {**harness_settings, **marker_overrides(request.node)}
    base_url: str | None = request.config.getoption("base_url")
    if base_url:
        if overrides:
            names = ", ".join(sorted(overrides))
            pytest.skip(f"needs settings ({names}) that cannot apply to the server at {base_url}")
        return RefApp(base_url=base_url.rstrip("/"))
    from reference_app import Settings, create_app

    settings = Settings(**{**FAST_PASSWORD_HASHING, **overrides})
    return RefApp(app=create_app(settings), settings=settings, overrides=overrides)


@pytest.fixture
def target(refapp: RefApp) -> Target:
    from harness.client import Target

    if refapp.base_url is not None:
        return Target.http(refapp.base_url)
    return Target.in_process(refapp.app)


@pytest.fixture
async def clock(recorder: Recorder, refapp: RefApp) -> AsyncIterator[VirtualClock]:
    """Virtual time for the test: one freeze in-process, plus the server's test clock if remote."""
    from harness.clock import RemoteServerClock, VirtualClock

    # Lazy: simulated tabs bring the server's time up to date before each request.
    server = RemoteServerClock(refapp.base_url, lazy=True) if refapp.base_url else None
    try:
        with VirtualClock(recorder=recorder, server=server) as virtual:
            if server is not None:
                await server.set(virtual.now())  # the remote app starts at the virtual start too
            yield virtual
    finally:
        if server is not None:
            await server.aclose()


ProfileFactory = Callable[..., Awaitable["UserProfile"]]


@pytest.fixture
async def profile(
    target: Target, clock: VirtualClock, recorder: Recorder
) -> AsyncIterator[ProfileFactory]:
    """`await profile("alice", options=ClientOptions(...))`: a browser profile of a demo user.

    The profile knows its user's password (`await p.login()`) and is closed after the test.
    """
    from harness.client import ClientOptions
    from harness.users import UserProfile, demo_user

    opened: list[UserProfile] = []

    async def make(
        user: str = "alice", *, name: str | None = None, options: ClientOptions | None = None
    ) -> UserProfile:
        created = UserProfile(
            demo_user(user),
            target,
            clock,
            recorder,
            name=name or user,
            options=options or ClientOptions(),
        )
        opened.append(created)
        return created

    yield make
    for created in reversed(opened):
        await created.aclose()
