"""Fixtures of the session-harness pytest plugin: the app under test, its clock and its users.

The app comes from a target profile (`--target FILE`, ini `harness_target`, default the
bundled reference app). Client and app modules are imported inside the fixtures, so loading
the plugin stays cheap and never depends on them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

import pytest

from harness.events import Recorder
from harness.report.collector import RECORDER_KEY, NotApplicableSkip, suite_of

if TYPE_CHECKING:
    from harness.app import AppUnderTest, ServerPool
    from harness.behaviour import Pace
    from harness.client import ClientOptions, Profile, Target
    from harness.client.server_view import ServerView
    from harness.clock import VirtualClock
    from harness.drivers import Driver, ProfileDriver
    from harness.target import TargetProfile, User
    from harness.target.promise import Promise

DEFAULT_TARGET = "reference-app"


def not_applicable(why: str) -> NoReturn:
    """Skip with the reason reports count as "not applicable", never as passed."""
    raise NotApplicableSkip(why)


def marker_overrides(item: pytest.Item) -> dict[str, Any]:
    """Settings overrides of every `refapp` marker, the closest (function level) winning."""
    merged: dict[str, Any] = {}
    for marker in reversed(list(item.iter_markers("refapp"))):
        if marker.args:
            raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.refapp takes keywords only")
        merged.update(marker.kwargs)
    return merged


def target_spec(config: pytest.Config) -> str:
    """The target profile this run tests: --target (relative to where pytest was started),
    else the ini key (relative to the ini file), else the bundled reference app."""
    option: str | None = config.getoption("target", None)
    if option:
        return _relative(config.invocation_params.dir, option)
    ini = str(config.getini("harness_target") or "")
    if ini:
        return _relative(config.inipath.parent if config.inipath else config.rootpath, ini)
    return DEFAULT_TARGET


def _relative(base: Path, spec: str) -> str:
    """A file relative to `base`; a bundled profile's name (no such file) stays a name."""
    path = base / spec
    return str(path) if path.is_file() else spec


@pytest.fixture(scope="session")
def target_profile(request: pytest.FixtureRequest) -> TargetProfile:
    """The app's session contract, read once per run."""
    from harness.target import ProfileError, load_profile

    try:
        return load_profile(target_spec(request.config))
    except ProfileError as exc:
        raise pytest.UsageError(str(exc)) from None


@pytest.fixture
def harness_settings() -> dict[str, Any]:
    """Settings overrides for the app; override this fixture in a module or conftest."""
    return {}


@pytest.fixture
def recorder(request: pytest.FixtureRequest) -> Recorder:
    """The test's event recorder; the report reads it back from the test item."""
    rec = Recorder()
    request.node.stash[RECORDER_KEY] = rec
    return rec


@pytest.fixture(scope="session")
def app_servers() -> Iterator[ServerPool]:
    """Servers started from target profiles' [server] commands; all stop after the run."""
    from harness.app import ServerPool

    pool = ServerPool()
    yield pool
    pool.stop_all()


@pytest.fixture
def refapp(
    request: pytest.FixtureRequest,
    harness_settings: dict[str, Any],
    target_profile: TargetProfile,
    app_servers: ServerPool,
    driver: Driver,
) -> AppUnderTest:
    """The app under test, in order: the server at --base-url, the profile's ASGI app in this
    process, a server the harness starts from the profile's command, the profile's base_url.
    With the browser driver: the reference app in its own process (the `server` fixture).

    `@pytest.mark.refapp(**settings)` gives the app other settings, which needs an app the
    harness starts itself (its [server] has a settings_env_prefix). `@pytest.mark.served`
    asks for the app in its own process even when it could run in this one: requests then
    really run at the same time (in process they take turns on the event loop).
    """
    from harness.app import AppUnderTest, in_process, remote_signing_key
    from harness.driver_kinds import kind_of

    overrides = unmet(target_profile, {**harness_settings, **marker_overrides(request.node)})
    kind = kind_of(driver)
    if (why := kind.unusable(target_profile)) is not None:
        not_applicable(why)
    base_url: str | None = request.config.getoption("base_url") or None
    spec = target_profile.server
    # A driver that reaches the app over HTTP needs it in its own process, as a served test.
    served = kind.served or request.node.get_closest_marker("served") is not None
    command = spec.command if spec is not None else None
    if served and base_url is None and command is None and spec is not None:
        not_applicable("needs the app in its own process: a [server] command in the profile")
    if base_url is None and command and (served or spec is None or spec.asgi is None):
        if overrides and spec is not None and spec.settings_env_prefix is None:
            not_applicable(_settings_unavailable(overrides))
        started = app_servers.get(target_profile, overrides)
        return AppUnderTest(
            target_profile,
            base_url=started.base_url,
            overrides=overrides,
            signing_key=_started_key(target_profile),
            server=started,
        )
    if base_url is None and (spec is None or spec.asgi is None):
        base_url = target_profile.base_url
    if base_url is not None:
        if overrides:
            names = ", ".join(sorted(overrides))
            not_applicable(f"needs settings ({names}) the harness cannot give {base_url}")
        return AppUnderTest(
            target_profile,
            base_url=base_url.rstrip("/"),
            signing_key=remote_signing_key(target_profile),
        )
    if overrides and (spec is None or spec.settings_env_prefix is None):
        not_applicable(_settings_unavailable(overrides))
    app = in_process(target_profile, overrides)
    return AppUnderTest(
        target_profile, app=app, overrides=overrides, signing_key=_started_key(target_profile)
    )


def unmet(profile: TargetProfile, overrides: dict[str, Any]) -> dict[str, Any]:
    """The settings a test asks for that the app does not have already: for an app the
    harness cannot reconfigure, a setting its [policy] promises as asked needs no change
    (`idle_timeout_seconds=0` of an app promising no idle timeout)."""
    if profile.server is not None and profile.server.settings_env_prefix is not None:
        return overrides
    promised = profile.policy.model_dump()
    return {
        name: value for name, value in overrides.items() if not _same(promised.get(name), value)
    }


def _same(promised: Any, asked: Any) -> bool:
    numbers = (int, float)
    if isinstance(promised, bool) or isinstance(asked, bool):
        return promised is asked
    if isinstance(promised, numbers) and isinstance(asked, numbers):
        return float(promised) == float(asked)
    return False


def _started_key(profile: TargetProfile) -> str | None:
    """The signing key the harness gave the app it started (None: the profile names none)."""
    from harness.app import started_signing_key

    return started_signing_key(profile) if profile.access.signing_key_env else None


def _settings_unavailable(overrides: dict[str, Any]) -> str:
    names = ", ".join(sorted(overrides))
    return f"needs app settings ({names}): the profile's [server] has no settings_env_prefix"


@pytest.fixture
def signing_key(refapp: AppUnderTest) -> str:
    """The app's token signing key ([access] signing_key_env): one the harness gave the app it
    started, or, for an app already running, the harness's environment's."""
    variable = refapp.profile.access.signing_key_env
    if variable is None:
        not_applicable("needs [access] signing_key_env in the target profile")
    if refapp.signing_key is None:
        not_applicable(f"needs the app's signing key (set ${variable})")
    return refapp.signing_key


@pytest.fixture
def target(refapp: AppUnderTest) -> Target:
    from harness.client import Target

    if refapp.base_url is not None:
        return Target.http(refapp.base_url, refapp.profile)
    return Target.in_process(refapp.app, refapp.profile)


@pytest.fixture
def clock(request: pytest.FixtureRequest, driver: Driver) -> VirtualClock:
    """The test's virtual clock: its driver's (`api_clock`, `browser_clock`)."""
    from harness.driver_kinds import kind_of

    virtual: VirtualClock = request.getfixturevalue(kind_of(driver).clock_fixture)
    return virtual


@pytest.fixture
async def api_clock(recorder: Recorder, refapp: AppUnderTest) -> AsyncIterator[VirtualClock]:
    """Virtual time for simulated tabs: one freeze in-process, plus the server's clock if remote.

    A remote app without a test clock gets a clock that refuses to move (the test is then
    "not applicable: needs a clock"), unless its profile says the clock is `real`.
    """
    from harness.clock import FixedServerClock, RemoteServerClock, VirtualClock, realtime_clock

    server: Any = None
    mode = refapp.profile.clock.mode
    if refapp.base_url is not None and mode == "real":
        yield realtime_clock(recorder)
        return
    if refapp.base_url is not None and mode == "endpoint":
        # Lazy: simulated tabs bring the server's time up to date before each request.
        url = refapp.base_url + refapp.profile.clock.path
        server = RemoteServerClock(refapp.base_url, lazy=True, url=url)
    elif refapp.base_url is not None:
        server = FixedServerClock()
    try:
        with VirtualClock(recorder=recorder, server=server) as virtual:
            if isinstance(server, RemoteServerClock):
                await server.set(virtual.now())  # the remote app starts at the virtual start
            yield virtual
    finally:
        if isinstance(server, RemoteServerClock):
            await server.aclose()


@pytest.fixture
async def promise(target: Target) -> Promise:
    """What the app promises (TTLs, idle timeout...): scenarios derive their timings from it."""
    return await target.expectations()


SERVER_VIEW_ABSENT = (
    "server-side checks: needs [capabilities] session_view in the target profile "
    "(only the client's side was checked)"
)


@pytest.fixture
async def server_view(
    request: pytest.FixtureRequest, target: Target, clock: VirtualClock
) -> AsyncIterator[ServerView]:
    """What the server did with each profile's session (`await server_view.session(user)`).

    Without the capability every read is None, the server-side checks pass over it, and the
    test carries a "not applicable" note for them (JUnit property `not_applicable`).
    """
    from harness.client.server_view import ServerView

    view = ServerView(target, clock)
    if not view.available:
        request.node.user_properties.append(("not_applicable", SERVER_VIEW_ABSENT))
    try:
        yield view
    finally:
        await view.aclose()


class ProfileFactory(Protocol):
    """`await profile()`: a browser profile of the target's first user; `profile(1)` the second,
    `profile("bob")` the user of that name. Simulated or in Chromium, as the test's driver."""

    async def __call__(
        self,
        user: str | int = 0,
        *,
        name: str | None = None,
        options: ClientOptions | None = None,
    ) -> ProfileDriver: ...


@pytest.fixture
def driver(request: pytest.FixtureRequest) -> Driver:
    """ "api" (simulated tabs) or "browser" (Chromium): the test's `drivers` parametrisation,
    else its suite (a test of the browser suite drives Chromium)."""
    return driver_of(request.node)


def driver_of(item: pytest.Item) -> Driver:
    """The driver a test runs with: the browser for the browser suite, else simulated tabs."""
    return "browser" if suite_of(item) == "browser" else "api"


@pytest.fixture
def pace(driver: Driver) -> Pace:
    """How this test's driver lets time pass: how often users act, how quiet stretches pass,
    how precisely events are timed (`harness.behaviour.Pace`)."""
    from harness.driver_kinds import kind_of

    return kind_of(driver).pace


@pytest.fixture
def profile(request: pytest.FixtureRequest, driver: Driver) -> ProfileFactory:
    """Browser profiles of the target's users: simulated (`api_profiles`) or in Chromium
    (`browser_profiles`), as the test's driver says; closed after the test."""
    from harness.driver_kinds import kind_of

    factory: ProfileFactory = request.getfixturevalue(kind_of(driver).profiles_fixture)
    return factory


@pytest.fixture
async def api_profiles(
    target: Target, clock: VirtualClock, recorder: Recorder
) -> AsyncIterator[ProfileFactory]:
    """Simulated browser profiles of the target's users, closed after the test."""
    from harness.client import ClientOptions, Profile

    opened: list[Profile] = []

    async def make(
        user: str | int = 0, *, name: str | None = None, options: ClientOptions | None = None
    ) -> Profile:
        account = user_of(target.profile, user)
        created = Profile(
            target,
            clock,
            recorder,
            name=name or account.name,
            user=account,
            options=options or ClientOptions(),
        )
        opened.append(created)
        await created.ready()
        return created

    yield make
    for created in reversed(opened):
        await created.aclose()


def user_of(profile: TargetProfile, user: str | int) -> User:
    """The profile's user by position or name; "not applicable" when it has too few users."""
    if isinstance(user, int):
        if user >= len(profile.users):
            not_applicable(f"needs {user + 1} users in the target profile")
        return profile.users[user]
    try:
        return profile.user(user)
    except KeyError as exc:
        raise ValueError(str(exc.args[0])) from None
