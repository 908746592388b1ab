"""Real (wall) time that freezegun cannot freeze: the harness times itself with it."""

from __future__ import annotations

from datetime import UTC, datetime

# freezegun replaces time.* in every loaded module while a freeze is active, but it never
# patches its own module, so the originals it keeps there stay real.
from freezegun import api as _freezegun_api


def wall_seconds() -> float:
    """A monotonic real-time reading in seconds (for durations)."""
    return float(_freezegun_api.real_perf_counter())


def wall_now() -> datetime:
    """The real current time, aware UTC."""
    return datetime.fromtimestamp(_freezegun_api.real_time(), tz=UTC).replace(tzinfo=UTC)
