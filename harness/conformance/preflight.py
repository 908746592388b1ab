"""Before any check runs: find the app, and make sure it answers and lets the first user in.

Every problem is a `ConfigError` of one line naming what is wrong, so `session-harness check`
can say it and exit 2 instead of reporting twenty failed checks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from harness.app import started_server
from harness.checks import CheckFailed
from harness.client import Target, TargetUnavailable
from harness.conformance.evidence import Evidence
from harness.conformance.session import RawSession
from harness.events import Recorder
from harness.runner import ConfigError
from harness.server import ServerStartError
from harness.target import TargetProfile, contract
from harness.target.templates import MissingValue

TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Located:
    base_url: str
    how: str  # "given", "started from [server] command", "the profile's base_url"


@contextmanager
def located(profile: TargetProfile, base_url: str | None) -> Iterator[Located]:
    """The app's base URL: `base_url`, else a server started from the profile, else its base_url.

    A server the harness started is stopped on leaving, whatever happened.
    """
    if base_url:
        yield Located(_checked_url(base_url, "--base-url"), "given with --base-url")
        return
    if profile.server is not None and profile.server.command is not None:
        server = started_server(profile, {})
        try:
            server.start()
        except ServerStartError as exc:
            first = str(exc).splitlines()[0]
            raise ConfigError(f"server.command did not start the app: {first}") from None
        try:
            yield Located(server.base_url, "started from the profile's [server] command")
        finally:
            server.stop()
        return
    assert profile.base_url is not None  # the profile model requires one or the other
    yield Located(_checked_url(profile.base_url, "base_url"), "the profile's base_url")


def _checked_url(url: str, name: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{name} must start with http:// or https://, got {url!r}")
    return url.rstrip("/")


def preflight(profile: TargetProfile, base_url: str) -> None:
    """The app answers, serves its test clock if the profile says so, and lets users[0] in."""
    ready = profile.server.ready_path if profile.server is not None else "/"
    try:
        httpx.get(base_url + ready, timeout=TIMEOUT_S)
    except httpx.HTTPError as exc:
        raise ConfigError(f"cannot reach {base_url}: {exc or type(exc).__name__}") from None
    if profile.clock.mode == "endpoint":
        _clock_answers(base_url + profile.clock.path)
    asyncio.run(_first_user_signs_in(profile, base_url))


def _clock_answers(url: str) -> None:
    try:
        status = httpx.get(url, timeout=TIMEOUT_S).status_code
    except httpx.HTTPError as exc:
        raise ConfigError(f"cannot reach the test clock at {url}: {exc}") from None
    if status != 200:
        raise ConfigError(
            f"the test clock at {url} answered {status} but clock.mode = endpoint: start the "
            "app with its test clock on, or set clock.mode to real or none"
        )


async def _first_user_signs_in(profile: TargetProfile, base_url: str) -> None:
    user = profile.users[0]
    session = RawSession(Target.http(base_url, profile), user, Evidence(Recorder()))
    who = f"users[0] ({user.name}, {user.identifier})"
    try:
        await session.promise()
        reply = await session.login()
    except TargetUnavailable as exc:
        raise ConfigError(f"capabilities.config: {exc}") from None
    except httpx.HTTPError as exc:
        raise ConfigError(f"login: no answer from {base_url}: {exc}") from None
    except (CheckFailed, MissingValue) as exc:
        raise ConfigError(f"login as {who}: {exc}") from None
    finally:
        await session.aclose()
    if not 200 <= reply.status < 300:
        reason = contract.reason_of(profile, reply, "login")
        raise ConfigError(
            f"{who} cannot sign in: {profile.login.path} answered {reply.status} {reason}"
        )
