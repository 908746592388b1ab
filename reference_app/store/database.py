"""Opening the document database named by `REFAPP_MONGODB_URI`.

`mongomock://` is an embedded in-process database (the default); `mongodb://host:27017/refapp`
or `mongodb+srv://...` use pymongo against a real server (the database name comes from the
URI path, default `refapp`).
"""

from __future__ import annotations

from typing import Any

import mongomock
import pymongo
from pymongo.database import Database
from pymongo.errors import PyMongoError

DEFAULT_DATABASE = "refapp"
CHECK_TIMEOUT_S = 2.0


class DatabaseUnavailable(RuntimeError):
    """The URI is malformed or no server answered; `str()` is one line (and has no password)."""


def is_embedded(uri: str) -> bool:
    return uri.startswith("mongomock://")


def _client(uri: str, timeout_ms: int) -> pymongo.MongoClient[dict[str, Any]]:
    try:
        return pymongo.MongoClient(
            uri, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms
        )
    except (PyMongoError, ValueError) as exc:  # pymongo's own URI checks raise both
        raise DatabaseUnavailable(f"REFAPP_MONGODB_URI is malformed: {exc}") from None


def open_database(uri: str) -> Database[dict[str, Any]]:
    if is_embedded(uri):
        client: Any = mongomock.MongoClient()
        return client[DEFAULT_DATABASE]  # type: ignore[no-any-return]
    real = _client(uri, timeout_ms=5000)
    return real.get_database(real.get_default_database(DEFAULT_DATABASE).name)


def check_database(uri: str, timeout_s: float = CHECK_TIMEOUT_S) -> None:
    """Raises DatabaseUnavailable unless the server of `uri` answers a ping within `timeout_s`."""
    if is_embedded(uri):
        return
    client = _client(uri, timeout_ms=round(timeout_s * 1000))
    try:
        client.admin.command("ping")
    except PyMongoError as exc:
        # pymongo appends its timeouts and a topology dump: the first part names the cause.
        cause = str(exc).split(" (configured timeouts")[0].split(", Timeout:")[0]
        raise DatabaseUnavailable(
            f"no MongoDB answered within {timeout_s:g} s at REFAPP_MONGODB_URI: "
            + " ".join(cause.split())
        ) from None
    finally:
        client.close()
