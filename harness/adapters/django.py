"""The test clock for a Django app: a URL include or a middleware, whichever fits the app.

    # urls.py, with the app's other patterns
    path("", include("harness.adapters.django_urls")),

or, to answer before any other middleware (login-required, locale prefixes, ...):

    # settings.py, first in MIDDLEWARE
    "harness.adapters.django.TestClockMiddleware",

Either is enabled by the setting `HARNESS_TEST_CLOCK = True`, or, when that setting is absent,
by the environment variable `HARNESS_TEST_CLOCK=1`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from harness.adapters.clock_core import (
    CLOCK_PATH,
    MAX_BODY_BYTES,
    ClockEndpoint,
    ClockRequest,
    enabled_by_env,
)


def clock_enabled() -> bool:
    """The `HARNESS_TEST_CLOCK` setting when present, else the environment variable."""
    value = getattr(settings, "HARNESS_TEST_CLOCK", None)
    return enabled_by_env() if value is None else bool(value)


def _answer(request: HttpRequest) -> HttpResponse:
    method = request.method or "GET"
    clock_request = ClockRequest(
        method=method,
        client_host=request.META.get("REMOTE_ADDR"),
        host_header=request.META.get("HTTP_HOST"),
        content_type=request.META.get("CONTENT_TYPE"),
        body=request.read(MAX_BODY_BYTES + 1) if method == "POST" else b"",
    )
    reply = ClockEndpoint(clock_enabled()).answer(clock_request)
    response = HttpResponse(reply.body, status=reply.status)
    for name, value in reply.headers:
        response[name] = value
    return response


# The harness posts JSON from a loopback client; Django's CSRF check is for browsers.
clock_view: Callable[[HttpRequest], HttpResponse] = csrf_exempt(_answer)


class TestClockMiddleware:
    """Answers `/__harness__/clock` before the rest of the middleware stack runs."""

    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        if request.path_info == CLOCK_PATH:
            return _answer(request)
        return self.get_response(request)
