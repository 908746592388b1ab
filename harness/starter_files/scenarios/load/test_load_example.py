"""Load suite example: a short Locust refresh storm (Locust runs in its own process)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.load.runner import StormConfig, run_storm

# Cheap password hashing: the storm measures refresh, not login.
APP_ENV = {"REFAPP_PASSWORD_HASH_MEMORY_KIB": "8", "REFAPP_PASSWORD_HASH_TIME_COST": "1"}


@pytest.mark.ac("SESSION-2")
def test_short_refresh_storm_has_no_failed_request(tmp_path: Path) -> None:
    config = StormConfig(users=5, spawn_rate=5.0, seconds=3, tabs=3)
    result = run_storm(config, tmp_path, app_env=APP_ENV)
    assert result.passed, result.log[-2000:]
    assert result.endpoints["refresh"].requests > 0
