"""The app under test: inside this process, started by the harness, or already running."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from harness.server import AppServer
from harness.target import TargetProfile
from harness.target.model import Server


class AppUnavailable(RuntimeError):
    """The profile gives the harness no way to reach or start the app this way."""


@dataclass(frozen=True)
class AppUnderTest:
    """What a scenario tests: the profile, plus the in-process app or the server's base URL."""

    profile: TargetProfile
    app: Any = None  # an ASGI app in this process
    base_url: str | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)  # settings this test asked for

    @property
    def remote(self) -> bool:
        return self.base_url is not None


def settings_env(prefix: str, overrides: Mapping[str, Any]) -> dict[str, str]:
    """Settings overrides as environment variables: `idle_timeout_seconds` → PREFIX + NAME."""
    env: dict[str, str] = {}
    for name, value in overrides.items():
        if isinstance(value, set | frozenset | list | tuple):
            value = ",".join(sorted(map(str, value)))
        elif isinstance(value, bool):
            value = int(value)
        env[f"{prefix}{name.upper()}"] = str(value)
    return env


def server_env(spec: Server, overrides: Mapping[str, Any]) -> dict[str, str]:
    """The app's environment: the profile's [server] env, then this test's settings."""
    if overrides and spec.settings_env_prefix is None:
        raise AppUnavailable("settings overrides need [server] settings_env_prefix")
    return {**spec.env, **settings_env(spec.settings_env_prefix or "", overrides)}


def in_process(profile: TargetProfile, overrides: Mapping[str, Any]) -> Any:
    """Import the profile's ASGI app (calling its factory) with the test's environment."""
    spec = profile.server
    if spec is None or spec.asgi is None:
        raise AppUnavailable(f"target profile {profile.name!r} has no [server] asgi app")
    module_name, _, attr = spec.asgi.partition(":")
    _importable(profile)
    with mock.patch.dict(os.environ, server_env(spec, overrides)):
        module = importlib.import_module(module_name)
        found: Any = module
        for part in attr.split("."):
            found = getattr(found, part)
        return found() if spec.factory else found


def _importable(profile: TargetProfile) -> None:
    """Put [server] cwd on sys.path so `module:app` resolves (and stays importable)."""
    directory = working_dir(profile)
    if directory is not None and str(directory) not in sys.path:
        sys.path.insert(0, str(directory))


def working_dir(profile: TargetProfile) -> Path | None:
    """[server] cwd, relative to the profile file."""
    spec = profile.server
    if spec is None or spec.cwd is None:
        return None
    base = profile.source.parent if profile.source is not None else Path.cwd()
    return (base / spec.cwd).resolve()


def started_server(
    profile: TargetProfile, overrides: Mapping[str, Any], *, access_log: bool = False
) -> AppServer:
    """An AppServer (not yet started) running the profile's [server] command on a free port."""
    spec = profile.server
    if spec is None or spec.command is None:
        raise AppUnavailable(f"target profile {profile.name!r} has no [server] command")
    return AppServer(
        server_env(spec, overrides),
        command=spec.command,
        ready_path=spec.ready_path,
        ready_status=None,
        cwd=working_dir(profile),
        startup_timeout=spec.startup_timeout_seconds,
        access_log=access_log,
        test_clock=False,
    )


class ServerPool:
    """Servers of a profile's [server] command, one per distinct settings, reused by tests."""

    def __init__(self) -> None:
        self._servers: dict[tuple[str, frozenset[tuple[str, str]]], AppServer] = {}

    def get(self, profile: TargetProfile, overrides: Mapping[str, Any]) -> AppServer:
        spec = profile.server
        env = server_env(spec, overrides) if spec is not None else {}
        key = (profile.name, frozenset(env.items()))
        if key not in self._servers:
            server = started_server(profile, overrides)
            server.start()
            self._servers[key] = server
        return self._servers[key]

    def stop_all(self) -> None:
        for server in self._servers.values():
            server.stop()
        self._servers.clear()
