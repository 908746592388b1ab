"""`path("", include("harness.adapters.django_urls"))` serves the test clock from urls.py."""

from __future__ import annotations

from django.urls import path

from harness.adapters.clock_core import CLOCK_PATH
from harness.adapters.django import clock_view

urlpatterns = [path(CLOCK_PATH.removeprefix("/"), clock_view, name="harness-test-clock")]
