"""The app's own endpoints: who am I, an authenticated action (plain and streamed), and the
single-page app under tests/apps/spa, served from the same origin as the API."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe
from django.views.static import serve
from rest_framework import serializers
from rest_framework.decorators import api_view, content_negotiation_class
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

NO_STORE = "no-store"
# A pause between streamed chunks, so a client sees them arrive one by one.
CHUNK_PAUSE_SECONDS = 0.02


class EchoSerializer(serializers.Serializer):  # type: ignore[misc]
    message = serializers.CharField(max_length=2000)


class JSONAnswers(DefaultContentNegotiation):  # type: ignore[misc]
    """Any `Accept` (`text/event-stream` too) gets JSON errors: the stream view renders none
    of its own, it answers a StreamingHttpResponse once authentication has passed."""

    def select_renderer(
        self, request: Request, renderers: Sequence[BaseRenderer], format_suffix: Any = None
    ) -> tuple[BaseRenderer, str]:
        return renderers[0], renderers[0].media_type


@api_view(["GET"])
def me(request: Request) -> Response:
    return Response({"id": request.user.id, "username": request.user.username})


@api_view(["POST"])
def echo(request: Request) -> Response:
    serializer = EchoSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return Response({"reply": serializer.validated_data["message"]})


def reply_chunks(reply: str) -> list[str]:
    """The reply in word-sized pieces; joined, they give the reply back."""
    words = reply.split(" ")
    return [word if i == len(words) - 1 else word + " " for i, word in enumerate(words)]


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


async def _echo_events(reply: str) -> AsyncIterator[str]:
    # An async iterator: under ASGI Django would buffer a sync one whole before sending it.
    for piece in reply_chunks(reply):
        yield _event("chunk", {"text": piece})
        await asyncio.sleep(CHUNK_PAUSE_SECONDS)
    yield _event("done", {"reply": reply})


@api_view(["POST"])
@content_negotiation_class(JSONAnswers)
def echo_stream(request: Request) -> HttpResponse | StreamingHttpResponse | Response:
    """`/api/echo` as server-sent events: `event: chunk` per word, then `event: done`. The
    JWT is checked (401 like /api/echo) before the first byte; expiry mid-stream is harmless."""
    serializer = EchoSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    response = StreamingHttpResponse(
        _echo_events(serializer.validated_data["message"]), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


# The single-page app (tests/apps/spa): two HTML pages, its modules and the vendored libraries.


def _page(name: str) -> HttpResponse:
    html = (Path(settings.SPA_ROOT) / name).read_text(encoding="utf-8")
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = NO_STORE
    return response


@require_safe
def spa_login(request: HttpRequest) -> HttpResponse:
    return _page("login.html")


@require_safe
def spa_app(request: HttpRequest) -> HttpResponse:
    return _page("app.html")


@require_safe
def spa_variant(request: HttpRequest) -> HttpResponse:
    """`/app/variant.js`: the server's SPA_VARIANT as an ES module the pages import."""
    body = f"export const variant = {json.dumps(settings.SPA_VARIANT)};\n"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = NO_STORE
    return response


@require_safe
def spa_static(request: HttpRequest, path: str) -> HttpResponse:
    served = serve(request, path, document_root=settings.SPA_ROOT)
    response = served
    if served.streaming:
        # A FileResponse is a sync iterator, which Django under ASGI buffers with a warning:
        # the files are small, so read them here instead.
        response = HttpResponse(b"".join(served.streaming_content), status=served.status_code)
        for name, value in served.items():
            response[name] = value
        served.close()
    response["Cache-Control"] = "no-cache"  # revalidate (Last-Modified): edits show at once
    return response
