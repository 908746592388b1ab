"""The users both apps seed: `APP_USERS` (JSON, username → password) or alice and bob."""

from __future__ import annotations

import json
import os

DEFAULT_USERS = {"alice": "alice-wonderland", "bob": "bob-builder"}


def seed_users() -> dict[str, str]:
    raw = os.environ.get("APP_USERS")
    users = json.loads(raw) if raw else DEFAULT_USERS
    if not isinstance(users, dict) or not all(
        isinstance(name, str) and isinstance(password, str) for name, password in users.items()
    ):
        raise SystemExit("APP_USERS must be a JSON object of username to password")
    return users


def ttl_seconds(name: str, default: int) -> int:
    """A positive whole number of seconds from the environment variable `name`."""
    value = int(os.environ.get(name, default))
    if value <= 0:
        raise SystemExit(f"{name} must be a positive number of seconds")
    return value
