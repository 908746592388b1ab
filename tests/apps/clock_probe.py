"""Tiny ASGI and WSGI apps behind the test-clock adapters: `GET /time` reports the process clock."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from harness.adapters import asgi, wsgi


def _reading() -> bytes:
    return json.dumps({"time": time.time(), "now": datetime.now(UTC).isoformat()}).encode()


async def _asgi_time(scope: Any, receive: Any, send: Any) -> None:
    found = scope["type"] == "http" and scope["path"] == "/time"
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200 if found else 404, "headers": headers})
    await send({"type": "http.response.body", "body": _reading() if found else b"{}"})


def _wsgi_time(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    found = environ.get("PATH_INFO") == "/time"
    start_response("200 OK" if found else "404 Not Found", [("content-type", "application/json")])
    return [_reading() if found else b"{}"]


asgi_app = asgi.TestClockMiddleware(_asgi_time)
wsgi_app = wsgi.TestClockMiddleware(_wsgi_time)
