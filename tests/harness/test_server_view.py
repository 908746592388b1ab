"""ServerView: the simulated profile's session as the server keeps it, and without a view."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness.app import AppUnderTest
from harness.client import Target
from harness.client.server_view import ServerView
from harness.clock import VirtualClock
from harness.fixtures import ProfileFactory
from harness.target.model import Capabilities
from harness.target.session_view import SessionViewError


async def test_view_follows_login_rotation_and_logout_of_a_profile(
    profile: ProfileFactory, clock: VirtualClock, server_view: ServerView
) -> None:
    alice = await profile()
    tab = await alice.login()
    first = await server_view.session(alice)
    assert first is not None
    assert (first.generation, first.rotations, first.revoked) == (0, 0, False)
    assert first.last_activity == first.created_at == clock.now()
    await clock.advance(timedelta(minutes=26))  # the tab's timer refreshes at 25:00
    rotated = await server_view.session(alice)
    assert rotated is not None and (rotated.sid, rotated.generation) == (first.sid, 1)
    assert rotated.last_activity == first.last_activity  # a refresh is not activity
    await tab.logout()
    ended = await server_view.session(alice)  # after sign-out the login token still names it
    assert ended is not None and (ended.revoked, ended.revoked_reason) == (True, "logout")
    assert ended.read_at == clock.now()


async def test_profile_that_never_signed_in_has_no_session_to_read(
    profile: ProfileFactory, server_view: ServerView
) -> None:
    with pytest.raises(SessionViewError, match="never signed in"):
        await server_view.session(await profile())


async def test_target_without_a_session_view_reads_none(
    refapp: AppUnderTest, clock: VirtualClock, profile: ProfileFactory
) -> None:
    bare = refapp.profile.model_copy(update={"capabilities": Capabilities()})
    view = ServerView(Target.in_process(refapp.app, bare), clock)
    try:
        assert not view.available
        alice = await profile()
        await alice.login()
        assert await view.session(alice) is None
    finally:
        await view.aclose()


@pytest.mark.refapp(test_clock=False)
async def test_view_of_an_app_without_its_test_clock_is_an_error_naming_it(
    profile: ProfileFactory, server_view: ServerView
) -> None:
    alice = await profile()
    await alice.login()
    with pytest.raises(SessionViewError, match="answered 404"):
        await server_view.session(alice)


def test_server_view_fixture_notes_that_server_checks_do_not_apply(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(
        ".toml",
        bare="""
name = "bare"
base_url = "http://127.0.0.1:9"
[[users]]
name = "alice"
identifier = "alice"
password = "x"
[tokens]
access_token = "json:/access"
[login]
path = "/login"
[refresh]
path = "/refresh"
""",
    )
    pytester.makepyfile(
        """
        async def test_read(server_view):
            assert not server_view.available
        """
    )
    result = pytester.runpytest(
        "--target",
        "bare.toml",
        "--junitxml=out.xml",
        "-p",
        "no:cacheprovider",
        "-o",
        "asyncio_mode=auto",
        "-o",
        "asyncio_default_fixture_loop_scope=function",
    )
    result.assert_outcomes(passed=1)
    assert (
        "server-side checks: needs [capabilities] session_view"
        in (pytester.path / "out.xml").read_text()
    )
