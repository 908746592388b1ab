"""The API's error shape: `{"error": code, "message": text}` for every 4xx and 5xx."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
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
