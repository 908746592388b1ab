"""A one-file Django site behind the Django test-clock adapter: `GET /time` reports the clock.

`PROBE_DJANGO_VIA=middleware` installs `TestClockMiddleware`; anything else includes
`harness.adapters.django_urls`. `HARNESS_TEST_CLOCK=1` enables either, unless
`PROBE_DJANGO_SETTING` (`on` or `off`) sets the Django setting `HARNESS_TEST_CLOCK`.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

from django.conf import settings

VIA_MIDDLEWARE = os.environ.get("PROBE_DJANGO_VIA") == "middleware"
# CSRF middleware on, as in a new project: the clock must answer a JSON POST regardless.
STANDARD_MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
settings.configure(
    DEBUG=False,
    SECRET_KEY="clock-probe-only",
    ALLOWED_HOSTS=["*"],  # lets a foreign Host reach the adapter's own check
    ROOT_URLCONF=__name__,
    MIDDLEWARE=(["harness.adapters.django.TestClockMiddleware"] if VIA_MIDDLEWARE else [])
    + STANDARD_MIDDLEWARE,
)
if os.environ.get("PROBE_DJANGO_SETTING") in ("on", "off"):
    settings.HARNESS_TEST_CLOCK = os.environ["PROBE_DJANGO_SETTING"] == "on"

from django.core.asgi import get_asgi_application  # noqa: E402 (needs the settings above)
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.urls import include, path  # noqa: E402


def time_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"time": time.time(), "now": datetime.now(UTC).isoformat()})


urlpatterns = [path("time", time_view)]
if not VIA_MIDDLEWARE:
    urlpatterns.append(path("", include("harness.adapters.django_urls")))

application = get_asgi_application()
