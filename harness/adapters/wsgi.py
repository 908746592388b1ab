"""The test clock for any WSGI app (Flask, Bottle, Pyramid), in two lines.

    from harness.adapters.wsgi import TestClockMiddleware
    app.wsgi_app = TestClockMiddleware(app.wsgi_app)  # Flask; HARNESS_TEST_CLOCK=1 enables it

Every other request goes to the app untouched.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from harness.adapters.clock_core import (
    CLOCK_PATH,
    MAX_BODY_BYTES,
    ClockEndpoint,
    ClockRequest,
    ProcessClock,
    enabled_by_env,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class TestClockMiddleware:
    """Wraps `app`; `enabled=None` reads `HARNESS_TEST_CLOCK` once, at construction."""

    __test__ = False  # not a pytest test class, whatever its name

    def __init__(
        self,
        app: WSGIApplication,
        *,
        enabled: bool | None = None,
        clock: ProcessClock | None = None,
    ) -> None:
        self.app = app
        self.endpoint = ClockEndpoint(enabled_by_env() if enabled is None else enabled, clock)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != CLOCK_PATH:
            return self.app(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        request = ClockRequest(
            method=method,
            client_host=environ.get("REMOTE_ADDR"),
            host_header=environ.get("HTTP_HOST"),
            content_type=environ.get("CONTENT_TYPE"),
            body=_body(environ) if method == "POST" else b"",
        )
        reply = self.endpoint.answer(request)
        start_response(f"{reply.status} {reply.reason}", reply.headers)
        return [reply.body]


def _body(environ: WSGIEnvironment) -> bytes:
    """The request body, cut one byte past the limit (enough to refuse it as too large)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return b""
    body: bytes = environ["wsgi.input"].read(min(length, MAX_BODY_BYTES + 1))
    return body
