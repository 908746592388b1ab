"""The apps under tests/apps as real servers on free loopback ports, each in its own process.

    with drf_simplejwt_server(tmp_path, access_ttl=60) as app:
        httpx.post(app.base_url + "/api/token/", json=app.credentials("alice"))

The test clock is on unless `test_clock=False`; TTLs and passwords reach the app through its
environment, so a caller knows both without asking the app.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from harness.adapters.clock_core import CLOCK_PATH, ENV_VAR
from harness.server import AppServer

REPO_ROOT = Path(__file__).resolve().parents[2]
USERS = {"alice": "alice-fixture-pw-1", "bob": "bob-fixture-pw-2"}


# waitress times idle connections with time.time: past 120 s of moved time it drops them.
CHANNEL_TIMEOUT = str(4_000_000_000)  # beyond the test clock's 100 years


class WaitressServer(AppServer):
    """A WSGI app under waitress; loopback is a trusted proxy, as behind a local reverse proxy."""

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "waitress",
            f"--listen={self.host}:{self.port}",
            f"--channel-timeout={CHANNEL_TIMEOUT}",
            "--trusted-proxy=127.0.0.1",
            "--trusted-proxy-headers=x-forwarded-for",
            *(["--call"] if self.factory else []),
            self.app,
        ]


@dataclass(frozen=True)
class RunningApp:
    base_url: str
    access_ttl: int
    refresh_ttl: int
    users: Mapping[str, str]

    def credentials(self, username: str) -> dict[str, str]:
        return {"username": username, "password": self.users[username]}

    def move_clock(self, seconds: float) -> None:
        response = httpx.post(self.base_url + CLOCK_PATH, json={"advance_seconds": seconds})
        response.raise_for_status()

    def reset_clock(self) -> None:
        """Back to real time exactly (an offset of zero stops the time travel)."""
        offset = httpx.get(self.base_url + CLOCK_PATH).json()["offset_seconds"]
        if offset:
            self.move_clock(-offset)


def app_env(access_ttl: int, refresh_ttl: int, **extra: str) -> dict[str, str]:
    return {
        "PYTHONPATH": str(REPO_ROOT),
        "APP_ACCESS_TTL_SECONDS": str(access_ttl),
        "APP_REFRESH_TTL_SECONDS": str(refresh_ttl),
        "APP_USERS": json.dumps(USERS),
        ENV_VAR: "0",  # AppServer sets it to "1" when asked for the test clock
        **extra,
    }


@contextmanager
def _running(server: AppServer, access_ttl: int, refresh_ttl: int) -> Iterator[RunningApp]:
    with server:
        yield RunningApp(server.base_url, access_ttl, refresh_ttl, USERS)


def _server(
    kind: type[AppServer], app: str, env: dict[str, str], *, factory: bool, test_clock: bool
) -> AppServer:
    # Both apps answer 401 at their probe once they serve: that is the readiness signal.
    return kind(
        env,
        app=app,
        factory=factory,
        test_clock=test_clock,
        clock_env=ENV_VAR,
        ready_path="/api/me",
        ready_status=401,
    )


def drf_simplejwt_server(
    database_dir: Path, *, access_ttl: int = 60, refresh_ttl: int = 600, test_clock: bool = True
) -> AbstractContextManager[RunningApp]:
    """Django + DRF + simplejwt under uvicorn, its sqlite file in `database_dir`."""
    env = app_env(
        access_ttl,
        refresh_ttl,
        APP_DATABASE=str(database_dir / "drf_simplejwt.sqlite3"),
        APP_FAST_PASSWORD_HASHING="1",
    )
    app = "tests.apps.drf_simplejwt.asgi:application"
    server = _server(AppServer, app, env, factory=False, test_clock=test_clock)
    return _running(server, access_ttl, refresh_ttl)


def flask_jwt_cookies_server(
    *, access_ttl: int = 60, refresh_ttl: int = 600, test_clock: bool = True
) -> AbstractContextManager[RunningApp]:
    """Flask + Flask-JWT-Extended (cookies, CSRF double submit) under waitress."""
    env = app_env(access_ttl, refresh_ttl)
    app = "tests.apps.flask_jwt_cookies.app:create_app"
    server = _server(WaitressServer, app, env, factory=True, test_clock=test_clock)
    return _running(server, access_ttl, refresh_ttl)
