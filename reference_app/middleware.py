"""Pure ASGI middleware: server-time header, header and body size limits, security
headers, JSON 500s."""

from __future__ import annotations

import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reference_app.clock import Clock

logger = logging.getLogger("reference_app")

MAX_BODY_BYTES = 64 * 1024
# A bearer token is under 1 KiB; browsers send well under 8 KiB of headers in all.
MAX_HEADER_BYTES = 16 * 1024
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
# The frontend is ES modules and one stylesheet from this origin, with no inline code;
# its API calls and event streams go to this origin too.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HTML_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
]


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


def header_bytes(headers: list[tuple[bytes, bytes]]) -> int:
    """The size of the headers as sent: name, ": ", value and CRLF for each."""
    return sum(len(name) + len(value) + 4 for name, value in headers)


class HeaderLimitMiddleware:
    """Answers 431 in JSON when the request's headers exceed MAX_HEADER_BYTES, before any
    endpoint reads them (`reference_app.protocol` bounds what the server reads at all)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_HEADER_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and header_bytes(scope["headers"]) > self.limit:
            message = f"request headers over {self.limit // 1024} KiB"
            await send_json_error(send, 431, "headers_too_large", message)
            return
        await self.app(scope, receive, send)


class SecurityHeadersMiddleware:
    """`nosniff` and `Referrer-Policy` on every answer; a CSP and `X-Frame-Options: DENY`
    on HTML pages, the only ones a browser renders or frames."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                content_type = dict(headers).get(b"content-type", b"")
                extra = SECURITY_HEADERS
                if content_type.startswith(b"text/html"):
                    extra = [*SECURITY_HEADERS, *HTML_HEADERS]
                message["headers"] = [*headers, *extra]
            await send(message)

        await self.app(scope, receive, send_secured)


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
