"""Root conftest: the harness fixtures and markers come from the `session_harness` plugin.

pytester is enabled here because the plugin's own tests run pytest inside pytest.

`--in-process-only` is the contributor's quick loop (`make check`): tests marked browser or
slow, and the load suite, are deselected; any other test that starts a process or listens
on a socket is skipped at that moment, with the command it tried, and left to `make test`.
"""

from __future__ import annotations

import platform
import socket
import subprocess
from typing import Any

import pytest

pytest_plugins = ("pytester",)

_LEFT_OUT = ("browser", "slow")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--in-process-only",
        action="store_true",
        help="run only tests that start no process, no server and no browser (make check)",
    )


def pytest_configure(config: pytest.Config) -> None:
    controller = getattr(config.option, "numprocesses", None) and not hasattr(
        config, "workerinput"
    )  # a pytest-xdist controller starts its workers; the tests run in them
    if config.getoption("in_process_only") and not controller:
        _refuse_processes_and_servers()
        # A process refused half-way leaves the pipes made for it to the collector; the
        # quick loop does not judge them (make test, which starts them, does).
        config.addinivalue_line("filterwarnings", "ignore::ResourceWarning")
        config.addinivalue_line("filterwarnings", "ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.hookimpl(trylast=True)  # after the plugin has marked browser tests
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("in_process_only"):
        return
    kept, left = [], []
    for item in items:
        heavy = any(item.get_closest_marker(name) for name in _LEFT_OUT)
        suite = dict(item.user_properties).get("suite")
        (left if heavy or suite == "load" else kept).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def _refuse_processes_and_servers() -> None:
    platform.processor()  # asks `uname -p` once, then caches: before the refusal, not in a test
    popen_init = subprocess.Popen.__init__
    listen = socket.socket.listen

    def no_process(self: subprocess.Popen[Any], args: Any, *rest: Any, **kwargs: Any) -> None:
        if isinstance(args, (list, tuple)):
            args = " ".join(str(a) for a in args[:3])
        self._child_created = False  # what Popen.__del__ reads of an object never started
        pytest.skip(f"starts a process ({args}): runs in make test, not in make check")
        popen_init(self, args, *rest, **kwargs)  # pragma: no cover

    def no_server(self: socket.socket, *args: Any) -> None:
        pytest.skip("listens on a socket (a server): runs in make test, not in make check")
        listen(self, *args)  # pragma: no cover

    subprocess.Popen.__init__ = no_process  # type: ignore[method-assign]
    socket.socket.listen = no_server  # type: ignore[method-assign]
