"""How datetimes cross the store boundary: in as BSON would keep them, out as aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def to_stored(value: datetime) -> datetime:
    """BSON keeps naive UTC at millisecond precision; the embedded store mimics that."""
    utc = value.astimezone(UTC) if value.tzinfo else value
    return utc.replace(tzinfo=None, microsecond=utc.microsecond // 1000 * 1000)


def aware_utc(value: datetime) -> datetime:
    """Mongo hands back naive UTC datetimes; comparing them with aware ones crashes."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class DocumentCodec:
    """Applies the datetime rule to whole documents, in one place for every collection."""

    def __init__(self, *, naive: bool = False) -> None:
        # `naive` is the `naive_datetimes` regression: hand back what the driver returns.
        self.naive = naive

    def encode(self, doc: dict[str, Any]) -> dict[str, Any]:
        return {k: to_stored(v) if isinstance(v, datetime) else v for k, v in doc.items()}

    def decode(self, doc: dict[str, Any]) -> dict[str, Any]:
        return {k: self._read(v) if isinstance(v, datetime) else v for k, v in doc.items()}

    def _read(self, value: datetime) -> datetime:
        if self.naive:
            return to_stored(value)
        return aware_utc(value)
