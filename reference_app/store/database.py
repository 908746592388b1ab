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

DEFAULT_DATABASE = "refapp"


def is_embedded(uri: str) -> bool:
    return uri.startswith("mongomock://")


def open_database(uri: str) -> Database[dict[str, Any]]:
    if is_embedded(uri):
        client: Any = mongomock.MongoClient()
        return client[DEFAULT_DATABASE]  # type: ignore[no-any-return]
    real: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
        uri, serverSelectionTimeoutMS=5000
    )
    return real.get_database(real.get_default_database(DEFAULT_DATABASE).name)
