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


def real(when: datetime) -> datetime:
    """`when` as a plain aware datetime in UTC.

    Under a freeze, `datetime` names in loaded modules are freezegun's FakeDatetime, whose
    arithmetic is pure Python and ~10x slower; the harness keeps its own times real.
    """
    if when.tzinfo is None:
        raise ValueError(f"the virtual clock needs aware datetimes (e.g. tzinfo=UTC), got {when}")
    # Looked up on freezegun's module each time: a freeze patches every other module's copy.
    real_datetime = _freezegun_api.real_datetime
    if type(when) is not real_datetime:
        when = real_datetime(
            when.year,
            when.month,
            when.day,
            when.hour,
            when.minute,
            when.second,
            when.microsecond,
            tzinfo=when.tzinfo,
        )
    return when.astimezone(UTC)
