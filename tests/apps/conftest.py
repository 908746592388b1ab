"""One real server per app per test module; each test leaves the app's clock at real time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.apps.servers import RunningApp, drf_simplejwt_server, flask_jwt_cookies_server


@pytest.fixture(scope="module")
def drf_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    with drf_simplejwt_server(tmp_path_factory.mktemp("drf")) as app:
        yield app


@pytest.fixture(scope="module")
def flask_server() -> Iterator[RunningApp]:
    with flask_jwt_cookies_server() as app:
        yield app


@pytest.fixture
def drf_app(drf_server: RunningApp) -> Iterator[RunningApp]:
    yield drf_server
    drf_server.reset_clock()


@pytest.fixture
def flask_app(flask_server: RunningApp) -> Iterator[RunningApp]:
    yield flask_server
    flask_server.reset_clock()
