"""simplejwt's views at the paths its documentation uses, the app's API, the single-page app
under /app/ (tests/apps/spa) and the test clock."""

from __future__ import annotations

from django.urls import include, path
from rest_framework_simplejwt.views import (
    TokenBlacklistView,
    TokenObtainPairView,
    TokenRefreshView,
)

from tests.apps.drf_simplejwt import views

urlpatterns = [
    path("api/token/", TokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("api/token/refresh/", TokenRefreshView.as_view(), name="token_refresh"),
    path("api/token/blacklist/", TokenBlacklistView.as_view(), name="token_blacklist"),
    path("api/me", views.me),
    path("api/echo", views.echo),
    path("api/echo/stream", views.echo_stream),
    path("app/", views.spa_app),
    path("app/login", views.spa_login),
    path("app/variant.js", views.spa_variant),
    path("app/static/<path:path>", views.spa_static),
    path("", include("harness.adapters.django_urls")),
]
