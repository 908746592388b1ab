"""Users and their argon2 password hashes; failed logins look the same whatever the cause."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pymongo.collection import Collection

from reference_app.settings import DemoUser


@dataclass(frozen=True)
class User:
    email: str
    name: str

    def to_public(self) -> dict[str, str]:
        return {"email": self.email, "name": self.name}


@functools.lru_cache(maxsize=32)
def _hasher(memory_kib: int, time_cost: int) -> PasswordHash:
    return PasswordHash((Argon2Hasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1),))


@functools.lru_cache(maxsize=64)
def _seed_hash(password: str, memory_kib: int, time_cost: int) -> str:
    # Apps are built many times per test process; the demo seed is the same each time.
    return _hasher(memory_kib, time_cost).hash(password)


class UserDirectory:
    def __init__(
        self, collection: Collection[dict[str, Any]], *, memory_kib: int, time_cost: int
    ) -> None:
        self._users = collection
        self._cost = (memory_kib, time_cost)
        self._hasher = _hasher(memory_kib, time_cost)
        # Unknown users are checked against this hash so they cost the same as a wrong password.
        self._dummy_hash = _seed_hash("not-a-password", memory_kib, time_cost)
        self._profiles: dict[str, User] = {}
        collection.create_index("email", unique=True)

    def seed(self, users: tuple[DemoUser, ...]) -> None:
        for user in users:
            password_hash = _seed_hash(user.password.get_secret_value(), *self._cost)
            self._users.update_one(
                {"email": user.email.lower()},
                {"$set": {"name": user.name, "password_hash": password_hash}},
                upsert=True,
            )

    def authenticate(self, email: str, password: str) -> User | None:
        doc = self._users.find_one({"email": email.strip().lower()})
        stored = doc["password_hash"] if doc else self._dummy_hash
        valid = self._hasher.verify(password, stored)
        if doc is None or not valid:
            return None
        return User(email=doc["email"], name=doc["name"])

    def get(self, email: str) -> User | None:
        # Profiles never change while the app runs: read each once (refresh is a hot path).
        if email not in self._profiles:
            doc = self._users.find_one({"email": email})
            if doc is None:
                return None
            self._profiles[email] = User(email=doc["email"], name=doc["name"])
        return self._profiles[email]
