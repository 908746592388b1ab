from __future__ import annotations

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
    body, _ = await api.login()
    frozen.tick(1799)
    chunks = []
    async with api.client.stream(
        "POST",
        "/api/chat/stream",
        json={"message": "a b c d e"},
        headers={"Authorization": f"Bearer {body['access_token']}"},
    ) as response:
        async for line in response.aiter_lines():
            chunks.append(line)
            frozen.tick(5)  # the access token expires while the reply streams
    assert response.status_code == 200
    assert any(line == "event: done" for line in chunks)


async def test_empty_chat_message_is_validation_failed(api: Api) -> None:
    body, _ = await api.login()
    response = await api.post("/api/chat", body["access_token"], json={"message": ""})
    assert (response.status_code, error_of(response)) == (422, "validation_failed")
