"""The judgement of an announced idle deadline (pure: no app, no clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from harness.core.deadlines import idle_announcement_problem

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
IDLE = 900.0


def _in(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("announced", "after_activity", "problem"),
    [
        (_in(IDLE), True, None),
        (_in(IDLE - 0.5), True, None),  # a fraction of a second is rounding
        (_in(300), False, None),  # a refresh: the deadline follows the last activity
        (None, False, "announces no idle deadline"),
        (_in(IDLE + 60), False, "+960 s away"),
        (_in(-30), False, "-30 s away"),
        (_in(300), True, "300 s after a sign-in"),
    ],
)
def test_announced_idle_deadline_is_judged_against_the_idle_timeout(
    announced: datetime | None, after_activity: bool, problem: str | None
) -> None:
    found = idle_announcement_problem(announced, NOW, IDLE, after_activity=after_activity)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


@pytest.mark.parametrize("idle", [None, 0.0])
def test_without_an_idle_timeout_any_announcement_is_the_apps_own(idle: float | None) -> None:
    assert idle_announcement_problem(None, NOW, idle, after_activity=True) is None
    assert idle_announcement_problem(_in(-99), NOW, idle, after_activity=False) is None
