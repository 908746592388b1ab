"""The reference app in its own uvicorn process, on a free loopback port, with the test clock."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import httpx

from harness._realtime import wall_seconds

READY_PATH = "/api/auth/config"
CLOCK_ENV = "REFAPP_TEST_CLOCK"
LOG_TAIL_CHARS = 4000


class ServerStartError(RuntimeError):
    """The app process exited or never answered; the message ends with its log."""


REFERENCE_APP = "reference_app:create_app"
BOUNDED_PROTOCOL = "reference_app.protocol:BoundedH11Protocol"


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class AppServer:
    """`with AppServer(env={"REFAPP_ACCESS_TTL_SECONDS": "60"}) as server: server.base_url`.

    The app runs in a child process, so freezegun in the test process cannot reach it:
    time moves through `/__harness__/clock`, which `test_clock=True` enables by setting
    `clock_env` to "1". Any other uvicorn app fits too: give a `ready_path` that answers
    `ready_status` once the app serves, and the variable that switches its clock on
    (`HARNESS_TEST_CLOCK` for the drop-in adapters of `harness.adapters`).
    """

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        app: str = REFERENCE_APP,
        factory: bool = True,
        test_clock: bool = True,
        host: str = "127.0.0.1",
        port: int | None = None,
        startup_timeout: float = 30.0,
        access_log: bool = True,
        command: list[str] | None = None,
        ready_path: str = READY_PATH,
        ready_status: int | None = 200,
        clock_env: str = CLOCK_ENV,
        cwd: Path | None = None,
    ) -> None:
        self.env = dict(env or {})
        self.app = app
        self.factory = factory
        self.test_clock = test_clock
        self.host = host
        self.port = port or free_port(host)
        self.startup_timeout = startup_timeout
        self.access_log = access_log
        self.ready_path = ready_path
        self.ready_status = ready_status  # None: any answer below 500 means ready
        self.clock_env = clock_env
        self.cwd = cwd
        # Any server command; "{port}" and "{python}" are filled in (default: uvicorn `app`).
        self._command = command
        self._process: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None
        self._final_log = ""

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def command(self) -> list[str]:
        if self._command is not None:
            fill = {"{port}": str(self.port), "{python}": sys.executable, "{host}": self.host}
            return [_fill(part, fill) for part in self._command]
        cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            self.app,
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--log-level",
            "info",
        ]
        if self.factory:
            cmd.append("--factory")
        if self.app == REFERENCE_APP:  # its server bounds request heads (431, not 32 MB read)
            cmd += ["--http", BOUNDED_PROTOCOL]
        if not self.access_log:
            cmd.append("--no-access-log")
        return cmd

    def child_env(self) -> dict[str, str]:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        if self.test_clock:
            env[self.clock_env] = "1"
        return env

    def start(self) -> None:
        if self._process is not None:
            raise RuntimeError("AppServer already started")
        self._log_file = tempfile.TemporaryFile(prefix="appserver-")  # noqa: SIM115 (lives until stop)
        self._process = subprocess.Popen(
            self.command(),
            env=self.child_env(),
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            cwd=self.cwd,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self) -> None:
        # Real time: a test may start the server inside a freezegun block.
        deadline = wall_seconds() + self.startup_timeout
        url = self.base_url + self.ready_path
        with httpx.Client(timeout=2.0) as client:
            while wall_seconds() < deadline:
                assert self._process is not None
                if self._process.poll() is not None:
                    raise ServerStartError(
                        f"{self.app} exited with code {self._process.returncode} "
                        f"before answering {self.ready_path}:\n{self.log_tail()}"
                    )
                try:
                    status = client.get(url).status_code
                    if status == self.ready_status or (self.ready_status is None and status < 500):
                        return
                except httpx.TransportError:
                    pass  # not listening yet
                time.sleep(0.05)
        raise ServerStartError(
            f"{self.app} did not answer {url} within {self.startup_timeout:.0f} s:\n"
            f"{self.log_tail()}"
        )

    def stop(self) -> None:
        """Terminate the process (kill after 5 s); safe to call twice."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._final_log = self.log()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def log(self) -> str:
        """Everything the app printed so far (uvicorn's log and any traceback)."""
        if self._log_file is None:
            return self._final_log
        self._log_file.flush()
        self._log_file.seek(0)
        return self._log_file.read().decode("utf-8", "replace")

    def log_tail(self, chars: int = LOG_TAIL_CHARS) -> str:
        return self.log()[-chars:]

    def save_log(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.log(), encoding="utf-8")
        return path

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        await asyncio.to_thread(self.start)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)


def _fill(part: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        part = part.replace(key, value)
    return part
