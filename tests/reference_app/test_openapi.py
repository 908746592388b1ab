"""The OpenAPI schema at /api/openapi.json documents what the routes really answer."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.reference_app.conftest import Api

ERRORS = {
    ("post", "/api/auth/login"): {400, 401, 403, 405, 413, 422, 429},
    ("post", "/api/auth/refresh"): {401, 403, 405, 413, 503},
    ("post", "/api/auth/logout"): {403, 405, 413},
    ("post", "/api/auth/logout-all"): {401, 403, 405, 413},
    ("get", "/api/auth/session"): {401, 405},
    ("get", "/api/auth/config"): {405},
    ("post", "/api/chat"): {400, 401, 405, 413, 422},
    ("post", "/api/chat/stream"): {400, 401, 405, 413, 422},
    ("get", "/api/chat/history"): {401, 405},
}
CLOCK_ERRORS = {
    ("get", "/__harness__/clock"): {403, 405},
    ("post", "/__harness__/clock"): {400, 403, 405, 413, 422},
}


async def _schema(api: Api) -> dict[str, Any]:
    response = await api.get("/api/openapi.json")
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref is None:
        return node
    assert ref.startswith("#/components/schemas/"), ref
    found: dict[str, Any] = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return found


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _error_statuses(operation: dict[str, Any]) -> set[int]:
    return {int(status) for status in operation["responses"] if int(status) >= 400}


async def test_every_route_documents_its_json_error_bodies(api: Api) -> None:
    schema = await _schema(api)
    for (method, path), statuses in ERRORS.items():
        operation = schema["paths"][path][method]
        assert _error_statuses(operation) == statuses, (method, path)
        for status in statuses:
            content = operation["responses"][str(status)]["content"]
            assert list(content) == ["application/json"], (method, path, status)
            body = _resolve(schema, content["application/json"]["schema"])
            assert set(body["required"]) >= {"error", "message"}, (method, path, status)
            if status == 422:
                assert "details" in body["required"]


async def test_schema_documents_no_operation_it_does_not_list_here(api: Api) -> None:
    schema = await _schema(api)
    operations = {(m, p) for p, ops in schema["paths"].items() for m in ops}
    assert operations == set(ERRORS)


async def test_schema_references_resolve_and_fastapis_422_shape_is_gone(api: Api) -> None:
    schema = await _schema(api)
    names = set(schema["components"]["schemas"])
    assert {ref.rsplit("/", 1)[1] for ref in _refs(schema)} <= names
    assert "HTTPValidationError" not in names


async def test_streaming_chat_is_documented_as_server_sent_events(api: Api) -> None:
    operation = (await _schema(api))["paths"]["/api/chat/stream"]["post"]
    assert list(operation["responses"]["200"]["content"]) == ["text/event-stream"]


@pytest.mark.parametrize("enabled", [False, True])
async def test_schema_lists_the_test_clock_only_when_enabled(
    make_api: Callable[..., Api], enabled: bool
) -> None:
    schema = await _schema(make_api(test_clock=enabled))
    assert ("/__harness__/clock" in schema["paths"]) is enabled
    if enabled:
        for (method, path), statuses in CLOCK_ERRORS.items():
            assert _error_statuses(schema["paths"][path][method]) == statuses
    assert ("ClockMove" in json.dumps(schema)) is enabled
