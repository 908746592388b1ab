from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory

from reference_app.chat import bot_reply
from tests.reference_app.conftest import Api, error_of


@pytest.mark.parametrize(
    ("message", "reply"),
    [
        ("2+2", "4"),
        ("(3*4)-1", "11"),
        ("7/2", "3.5"),
        ("2**10", "1024"),
        ("-3 + 1", "-2"),
        ("1/0", "echo: 1/0"),
        ("9**9**9", "echo: 9**9**9"),
        ("hello", "echo: hello"),
        ("__import__('os')", "echo: __import__('os')"),
    ],
)
def test_bot_reply_is_arithmetic_or_echo(message: str, reply: str) -> None:
    assert bot_reply(message) == reply


async def test_chat_replies_and_persists_history_per_user(api: Api) -> None:
    alice, _ = await api.login()
    bob, _ = await api.login("bob@example.com", "builder")
    response = await api.post("/api/chat", alice["access_token"], json={"message": "2+2"})
    assert response.json()["reply"] == "4"
    history = (await api.get("/api/chat/history", alice["access_token"])).json()["messages"]
    assert [(m["role"], m["text"]) for m in history] == [("user", "2+2"), ("bot", "4")]
    assert (await api.get("/api/chat/history", bob["access_token"])).json()["messages"] == []


async def test_chat_stream_sends_several_chunks_then_done(api: Api) -> None:
    body, _ = await api.login()
    response = await api.post(
        "/api/chat/stream", body["access_token"], json={"message": "good morning to you"}
    )
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [block.split("\n") for block in response.text.strip().split("\n\n")]
    names = [lines[0] for lines in events]
    assert names.count("event: chunk") >= 3 and names[-1] == "event: done"
    assert '"reply": "echo: good morning to you"' in events[-1][1]


async def test_chat_stream_checks_auth_before_streaming(
    api: Api, frozen: FrozenDateTimeFactory
) -> None:
    body, _ = await api.login()
    frozen.tick(1800)
    response = await api.post("/api/chat/stream", body["access_token"], json={"message": "hi"})
    assert (response.status_code, error_of(response)) == (401, "token_expired")
    assert response.headers["content-type"] == "application/json"


async def test_chat_stream_survives_token_expiry_mid_stream(
    api: Api, frozen: FrozenDateTimeFactory
) -> None:
    # Driven at the ASGI level: httpx's ASGI transport buffers a whole response, so time
    # could not move between chunks through it.
    body, _ = await api.login()
    frozen.tick(1799)
    request = json.dumps({"message": "a b c d e"}).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/chat/stream",
        "raw_path": b"/api/chat/stream",
        "query_string": b"",
        "root_path": "",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(request)).encode()),
            (b"authorization", f"Bearer {body['access_token']}".encode()),
        ],
    }
    sent: list[dict[str, Any]] = []
    delivered = False
    finished = asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": request, "more_body": False}
        await finished.wait()  # the client stays connected until the reply has ended
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "http.response.body":
            frozen.tick(5)  # the access token expires after the first chunk
            if not message.get("more_body", False):
                finished.set()

    await api.app(scope, receive, send)
    chunks = [m.get("body", b"") for m in sent if m["type"] == "http.response.body"]
    assert sent[0]["status"] == 200
    assert len([c for c in chunks if c]) >= 5
    assert b"event: done" in b"".join(chunks)


async def test_empty_chat_message_is_validation_failed(api: Api) -> None:
    body, _ = await api.login()
    response = await api.post("/api/chat", body["access_token"], json={"message": ""})
    assert (response.status_code, error_of(response)) == (422, "validation_failed")
