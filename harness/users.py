"""The reference app's demo users, and a browser profile that knows its user's credentials."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.client import Profile, Tab


@dataclass(frozen=True)
class DemoUser:
    email: str
    password: str


DEMO_USERS: dict[str, DemoUser] = {
    "alice": DemoUser("alice@example.com", "wonderland"),
    "bob": DemoUser("bob@example.com", "builder"),
}


def demo_user(name: str) -> DemoUser:
    if name not in DEMO_USERS:
        raise ValueError(f"unknown demo user {name!r} (known: {', '.join(DEMO_USERS)})")
    return DEMO_USERS[name]


class UserProfile(Profile):
    """A Profile of one demo user: `await profile.login()` signs in with that user's password."""

    def __init__(self, user: DemoUser, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    async def login(self, email: str | None = None, password: str | None = None) -> Tab:
        return await super().login(email or self.user.email, password or self.user.password)
