"""`uvicorn tests.apps.drf_simplejwt.asgi:application`: migrates and seeds, then serves."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.apps.drf_simplejwt.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402 (needs django.setup)
from django.core.asgi import get_asgi_application  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402

from tests.apps.seed import seed_users  # noqa: E402


def prepare_database() -> None:
    """Apply migrations and (re)set the seeded users' passwords."""
    call_command("migrate", verbosity=0, interactive=False)
    users = get_user_model().objects
    for username, password in seed_users().items():
        user, _ = users.get_or_create(username=username)
        user.set_password(password)
        user.save()
    connections.close_all()


# uvicorn imports the app inside its event loop, where Django refuses ORM calls.
with ThreadPoolExecutor(max_workers=1) as startup:
    startup.submit(prepare_database).result()

application = get_asgi_application()
