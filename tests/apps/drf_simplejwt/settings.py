"""Django settings: DRF + simplejwt, rotating refresh tokens, blacklist after rotation.

Environment: APP_ACCESS_TTL_SECONDS (300), APP_REFRESH_TTL_SECONDS (86400), APP_DATABASE
(sqlite file; a fresh temporary one when unset), APP_USERS (see tests/apps/seed.py),
APP_FAST_PASSWORD_HASHING=1 (Django's MD5 hasher, as its docs advise for test suites),
HARNESS_TEST_CLOCK=1 (serves /__harness__/clock through harness.adapters.django),
SPA_VARIANT (clean | raw_fetch: how the single-page app at /app/ streams; tests/apps/spa).
"""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta

from tests.apps.seed import ttl_seconds

SECRET_KEY = os.environ.get("APP_SECRET_KEY", "drf-simplejwt-test-app-key-" + "0" * 40)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
ROOT_URLCONF = "tests.apps.drf_simplejwt.urls"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("APP_DATABASE")
        or os.path.join(tempfile.mkdtemp(prefix="drf-simplejwt-"), "db.sqlite3"),
    }
}
if os.environ.get("APP_FAST_PASSWORD_HASHING") == "1":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(seconds=ttl_seconds("APP_ACCESS_TTL_SECONDS", 300)),
    "REFRESH_TOKEN_LIFETIME": timedelta(seconds=ttl_seconds("APP_REFRESH_TTL_SECONDS", 86400)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
}

# The single-page app under tests/apps/spa, served at /app/ (same origin as the API).
# SPA_VARIANT picks how its Stream button authenticates: "clean" (through the same refresh
# logic as axios-auth-refresh) or "raw_fetch" (a bare fetch that never refreshes).
SPA_ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "spa")
SPA_VARIANTS = ("clean", "raw_fetch")
SPA_VARIANT = os.environ.get("SPA_VARIANT", "clean")
if SPA_VARIANT not in SPA_VARIANTS:
    raise SystemExit(f"SPA_VARIANT must be one of {', '.join(SPA_VARIANTS)}")
