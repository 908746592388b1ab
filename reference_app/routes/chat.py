"""`/api/chat*`: the deterministic bot, JSON and streamed (server-sent events)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from reference_app.chat import bot_reply, reply_chunks
from reference_app.errors import error_responses
from reference_app.routes.deps import current_auth, services
from reference_app.services import Services
from reference_app.sessions import AuthContext

# Not a router-wide 405: the stream route documents its JSON errors its own way.
router = APIRouter(prefix="/api/chat")
ServicesDep = Annotated[Services, Depends(services)]
AuthDep = Annotated[AuthContext, Depends(current_auth)]


class ChatBody(BaseModel):
    message: str = Field(min_length=1, max_length=4000)


class EventStream(StreamingResponse):
    """Server-sent events; the class gives the OpenAPI schema the media type."""

    media_type = "text/event-stream"


_CHAT_ERRORS = (400, 401, 405, 413, 422)


def _event_schema(name: str, data: dict[str, Any]) -> dict[str, Any]:
    """One server-sent event as OpenAPI 3.1 readers take it: its name, and JSON `data`."""
    return {
        "type": "object",
        "required": ["event", "data"],
        "properties": {
            "event": {"const": name},
            "data": {
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": {
                    "type": "object",
                    "required": list(data),
                    "properties": data,
                    "additionalProperties": False,
                },
            },
        },
    }


# The stream is `chunk` events with a piece of the reply each, then one `done`; the
# schema describes one event (before OpenAPI 3.2's `itemSchema`, `schema` does so).
_EVENTS_DOC = {
    "description": '`event: chunk` (several, `data: {"text"}`), then `event: done`'
    ' (`data: {"reply", "at"}`)',
    "content": {
        "text/event-stream": {
            # `type` replaces the string FastAPI gives a streaming response's schema.
            "schema": {
                "type": "object",
                "oneOf": [
                    _event_schema("chunk", {"text": {"type": "string"}}),
                    _event_schema(
                        "done",
                        {
                            "reply": {"type": "string"},
                            "at": {"type": "string", "format": "date-time"},
                        },
                    ),
                ],
            }
        }
    },
}


def _converse(svc: Services, user: str, message: str) -> tuple[str, str]:
    now = svc.clock.now()
    reply = bot_reply(message)
    svc.chat.append(user, "user", message, now)
    svc.chat.append(user, "bot", reply, now)
    return reply, now.isoformat()


@router.post("", responses=error_responses(*_CHAT_ERRORS))
async def chat(body: ChatBody, auth: AuthDep, svc: ServicesDep) -> dict[str, str]:
    reply, at = await svc.call(_converse, svc, auth.session.user, body.message)
    return {"reply": reply, "at": at}


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


@router.post(
    "/stream",
    response_class=EventStream,
    responses={**error_responses(*_CHAT_ERRORS, streaming=True), 200: _EVENTS_DOC},
)
async def chat_stream(body: ChatBody, auth: AuthDep, svc: ServicesDep) -> EventStream:
    # Authentication ran in the dependency, before the first byte: expiry mid-stream is harmless.
    reply, at = await svc.call(_converse, svc, auth.session.user, body.message)

    async def events() -> AsyncIterator[str]:
        for piece in reply_chunks(reply):
            yield _event("chunk", {"text": piece})
            await asyncio.sleep(0)
        yield _event("done", {"reply": reply, "at": at})

    return EventStream(events(), headers={"Cache-Control": "no-cache"})


@router.get("/history", responses=error_responses(401, 405))
async def history(auth: AuthDep, svc: ServicesDep) -> dict[str, Any]:
    stored = await svc.call(svc.chat.history, auth.session.user)
    messages = [{"role": m["role"], "text": m["text"], "at": m["at"].isoformat()} for m in stored]
    return {"messages": messages}
