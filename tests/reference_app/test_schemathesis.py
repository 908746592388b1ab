"""Schemathesis over the app's own OpenAPI schema, signed in: every check (Schemathesis
turns them all on by default), no violation.

Few examples per operation (the whole file runs in seconds); `SCHEMATHESIS_EXAMPLES`
raises the count for a longer hunt.
"""

from __future__ import annotations

import asyncio
import os

import httpx
import schemathesis
from hypothesis import HealthCheck, settings

from reference_app import create_app
from tests.reference_app.conftest import XRW, make_settings

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
# Generous throttles: every case signs in afresh (a case may sign the session out).
APP = create_app(
    make_settings(login_failures_per_account=1_000_000, login_failures_per_address=1_000_000)
)
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)


async def _login() -> httpx.Response:
    transport = httpx.ASGITransport(app=APP)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        body = {"email": "alice@example.com", "password": "wonderland"}
        return await client.post("/api/auth/login", json=body, headers=XRW)


def access_token() -> str:
    response = asyncio.run(_login())
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_conforms_to_the_schema(case: schemathesis.Case) -> None:
    headers = {"Authorization": f"Bearer {access_token()}", **XRW}
    case.call_and_validate(headers=headers)


def test_the_stream_schema_describes_each_event() -> None:
    media = APP.openapi()["paths"]["/api/chat/stream"]["post"]["responses"]["200"]["content"]
    events = media["text/event-stream"]["schema"]["oneOf"]
    assert [e["properties"]["event"]["const"] for e in events] == ["chunk", "done"]
