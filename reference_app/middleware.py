"""Pure ASGI middleware: server-time header, body size limit, JSON 500s."""

from __future__ import annotations

import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reference_app.clock import Clock

logger = logging.getLogger("reference_app")

MAX_BODY_BYTES = 64 * 1024


async def send_json_error(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": code, "message": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class ServerTimeMiddleware:
    """Adds `X-Server-Time` (the app clock, ISO 8601 UTC) so clients can measure skew."""

    def __init__(self, app: ASGIApp, clock: Clock) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_time(message: Message) -> None:
            if message["type"] == "http.response.start":
                stamp = self.clock.now().isoformat().encode()
                message["headers"] = [*message.get("headers", []), (b"x-server-time", stamp)]
            await send(message)

        await self.app(scope, receive, send_with_time)


class BodyLimitMiddleware:
    """Rejects bodies over MAX_BODY_BYTES with a JSON 413 before any endpoint parses them.

    (FastAPI's own `max_body_size` answers 413 in text/plain, outside the error contract.)
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await send_json_error(send, 400, "bad_request", "invalid Content-Length")
                return
            if int(declared) > self.limit:
                await send_json_error(send, 413, "payload_too_large", "body over 64 KiB")
                return
            # The server holds the body to its declared length: nothing to count.
            await self.app(scope, receive, send)
            return
        # Chunked bodies carry no length: read them here, counting, then replay to the app.
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await send_json_error(send, 413, "payload_too_large", "body over 64 KiB")
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class InternalErrorMiddleware:
    """Turns an unexpected exception into a JSON 500 and logs it; clients never see a trace."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            logger.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await send_json_error(send, 500, "internal_error", "internal server error")
