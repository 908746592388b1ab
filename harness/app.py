"""The app under test: inside this process, started by the harness, or already running."""

from __future__ import annotations

import importlib
import os
import secrets
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
    signing_key: str | None = None  # the app's token signing key, when the harness knows it
    server: AppServer | None = None  # the server the harness started for it

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


def server_env(profile: TargetProfile, overrides: Mapping[str, Any]) -> dict[str, str]:
    """The environment of an app the harness starts: the profile's [server] env, its signing
    key ([access] signing_key_env), then this test's settings."""
    spec = profile.server
    prefix = spec.settings_env_prefix if spec is not None else None
    if overrides and prefix is None:
        raise AppUnavailable("settings overrides need [server] settings_env_prefix")
    variable = profile.access.signing_key_env
    key = {} if variable is None else {variable: started_signing_key(profile)}
    return {**_env_of(spec), **key, **settings_env(prefix or "", overrides)}


def _env_of(spec: Server | None) -> dict[str, str]:
    return spec.env if spec is not None else {}


def started_signing_key(profile: TargetProfile) -> str:
    """The signing key of an app the harness starts: its [server] env's, else the harness's
    environment's, else one made up for this run and kept in that environment, so every app
    the run starts and every scenario share it."""
    variable = profile.access.signing_key_env
    if variable is None:
        raise AppUnavailable(f"target profile {profile.name!r} has no [access] signing_key_env")
    configured = _env_of(profile.server).get(variable)
    if configured is not None:
        return configured
    if not os.environ.get(variable):
        os.environ[variable] = secrets.token_urlsafe(48)
    return os.environ[variable]


def remote_signing_key(profile: TargetProfile) -> str | None:
    """The signing key of an app already running: only the harness's environment knows it."""
    variable = profile.access.signing_key_env
    return None if variable is None else os.environ.get(variable) or None


def in_process(profile: TargetProfile, overrides: Mapping[str, Any]) -> Any:
    """Import the profile's ASGI app (calling its factory) with the test's environment."""
    spec = profile.server
    if spec is None or spec.asgi is None:
        raise AppUnavailable(f"target profile {profile.name!r} has no [server] asgi app")
    module_name, _, attr = spec.asgi.partition(":")
    _importable(profile)
    with mock.patch.dict(os.environ, server_env(profile, overrides)):
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
        server_env(profile, overrides),
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
        key = (profile.name, frozenset(server_env(profile, overrides).items()))
        if key not in self._servers:
            server = started_server(profile, overrides)
            server.start()
            self._servers[key] = server
        return self._servers[key]

    def stop_all(self) -> None:
        for server in self._servers.values():
            server.stop()
        self._servers.clear()
