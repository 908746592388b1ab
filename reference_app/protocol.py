"""uvicorn's h11 protocol with a bound on the request head, answered 431 in JSON.

With httptools (uvicorn's default when installed) a server reads any header, 32 MB too,
before the app sees it. This one stops reading once the head passes HEAD_LIMIT and answers
`431 {"error": "headers_too_large"}` (uvicorn's own answer would be a text 400); between
the app's limit and this one, `HeaderLimitMiddleware` answers the same.

    uvicorn reference_app:create_app --factory --http reference_app.protocol:BoundedH11Protocol
"""

from __future__ import annotations

import json
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from reference_app.middleware import MAX_HEADER_BYTES, SECURITY_HEADERS

# Above the app's own limit, so that the app answers wherever the server lets it.
HEAD_LIMIT = MAX_HEADER_BYTES + 8 * 1024


class BoundedH11Protocol(H11Protocol):
    """`--http reference_app.protocol:BoundedH11Protocol`; `--h11-max-incomplete-event-size`
    overrides HEAD_LIMIT."""

    def __init__(self, config: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self.head_limit = config.h11_max_incomplete_event_size or HEAD_LIMIT
        self.conn = h11.Connection(h11.SERVER, max_incomplete_event_size=self.head_limit)

    def send_400_response(self, msg: str) -> None:
        """h11 refuses a head over its limit like any bad request; that one gets a 431."""
        if len(self.conn.trailing_data[0]) <= self.head_limit:
            super().send_400_response(msg)
            return
        message = f"request headers over {MAX_HEADER_BYTES // 1024} KiB"
        body = json.dumps({"error": "headers_too_large", "message": message}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            *SECURITY_HEADERS,
        ]
        response = h11.Response(status_code=431, headers=headers, reason=b"Too Large")
        for event in (response, h11.Data(data=body), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event))
        self.transport.close()
