"""Per-family locks: striped, so memory stays bounded however many families exist."""

from __future__ import annotations

import threading
import zlib


class FamilyLocks:
    def __init__(self, stripes: int = 256) -> None:
        self._locks = [threading.Lock() for _ in range(stripes)]

    def for_family(self, sid: str) -> threading.Lock:
        return self._locks[zlib.crc32(sid.encode()) % len(self._locks)]
