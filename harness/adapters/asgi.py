"""The test clock for any ASGI app (FastAPI, Starlette, Django's ASGI handler), in two lines.

    from harness.adapters.asgi import TestClockMiddleware
    app = TestClockMiddleware(app)  # serves /__harness__/clock when HARNESS_TEST_CLOCK=1

Pure ASGI: no Starlette import; every other request goes to the app untouched.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from harness.adapters.clock_core import (
    CLOCK_PATH,
    MAX_BODY_BYTES,
    ClockEndpoint,
    ClockRequest,
    ProcessClock,
    enabled_by_env,
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class TestClockMiddleware:
    """Wraps `app`; `enabled=None` reads `HARNESS_TEST_CLOCK` once, at construction."""

    __test__ = False  # not a pytest test class, whatever its name

    def __init__(
        self, app: ASGIApp, *, enabled: bool | None = None, clock: ProcessClock | None = None
    ) -> None:
        self.app = app
        self.endpoint = ClockEndpoint(enabled_by_env() if enabled is None else enabled, clock)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != CLOCK_PATH:
            await self.app(scope, receive, send)
            return
        headers = {
            name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]
        }
        client = scope.get("client")
        request = ClockRequest(
            method=scope["method"],
            client_host=client[0] if client else None,
            host_header=headers.get("host"),
            content_type=headers.get("content-type"),
            body=await _body(receive) if scope["method"] == "POST" else b"",
        )
        reply = self.endpoint.answer(request)
        await send(
            {
                "type": "http.response.start",
                "status": reply.status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers],
            }
        )
        await send({"type": "http.response.body", "body": reply.body})


async def _body(receive: Receive) -> bytes:
    """The request body, cut one byte past the limit (enough to refuse it as too large)."""
    body = b""
    while len(body) <= MAX_BODY_BYTES:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away
        body += message.get("body", b"")
        if not message.get("more_body", False):
            break
    return body[: MAX_BODY_BYTES + 1]
