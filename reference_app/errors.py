"""The API's error shape: `{"error": code, "message": text}` for every 4xx and 5xx."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException


class ApiError(Exception):
    """Raised anywhere in a request; becomes a JSON error response."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body = {"error": code, "message": message, **extra}
    return JSONResponse(body, status_code=status, headers=headers)


class ErrorBody(BaseModel):
    """Every 4xx/5xx answer: a stable code for programs and a text for people."""

    error: str
    message: str


class FieldProblem(BaseModel):
    field: str
    problem: str


class ValidationErrorBody(ErrorBody):
    """422 `validation_failed`: which fields are missing or of the wrong type."""

    details: list[FieldProblem]


_DESCRIPTIONS = {
    400: "`bad_request`: the body is not a JSON object, or a malformed Content-Length",
    401: "the credentials or tokens are missing, invalid or expired (see `error`)",
    403: "`csrf_failed` (cookie endpoints) or `forbidden` (test clock)",
    404: "`not_found`",
    405: "`method_not_allowed`; the `Allow` header lists the methods of this path",
    413: "`payload_too_large`: a body over 64 KiB",
    422: "`validation_failed`: fields missing or of the wrong type",
    429: "`rate_limited`: too many failed sign-ins; wait `Retry-After` seconds",
    503: "`refresh_conflict`: another process kept winning the rotation; retry",
}


def error_responses(*statuses: int, streaming: bool = False) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` documenting the JSON error body for each of `statuses`.

    FastAPI documents a `model` in the route's own media type; a streaming route's errors are
    JSON all the same, so they name the schema that the other routes' models register.
    """
    documented: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        model = ValidationErrorBody if status == 422 else ErrorBody
        doc: dict[str, Any] = {"description": _DESCRIPTIONS[status]}
        if streaming:
            ref = {"$ref": f"#/components/schemas/{model.__name__}"}
            doc["content"] = {"application/json": {"schema": ref}}
        else:
            doc["model"] = model
        documented[status] = doc
    return documented


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.headers)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    message = "no such resource" if exc.status_code == 404 else str(exc.detail)
    # A 405's `Allow` (and any other header the raiser set) is part of the answer.
    return error_response(exc.status_code, code, message, exc.headers)


_SHAPE_ERRORS = {"model_attributes_type", "dict_type", "model_type", "missing"}


def _is_body_shape_error(error: dict[str, Any]) -> bool:
    """Not JSON, or not an object at the top level (a missing body included)."""
    loc: Sequence[Any] = error.get("loc", ())
    if error.get("type") == "json_invalid":
        return True
    return tuple(loc) == ("body",) and error.get("type") in _SHAPE_ERRORS


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(_is_body_shape_error(e) for e in errors):
        return error_response(400, "bad_request", "the body must be a JSON object")
    details = [
        {"field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "problem": e["msg"]}
        for e in errors
    ]
    return error_response(422, "validation_failed", "invalid request fields", details=details)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
