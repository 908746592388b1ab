"""Refresh storms: many profiles rotating at once, and tabs racing with the same token."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.load.runner import StormConfig, StormResult, run_storm

# Cheap password hashing: the storm measures refresh, not login.
APP_ENV = {"REFAPP_PASSWORD_HASH_MEMORY_KIB": "8", "REFAPP_PASSWORD_HASH_TIME_COST": "1"}
SHORT_STORM = StormConfig(users=10, spawn_rate=10.0, seconds=5, tabs=5)


def storm(tmp_path: Path, **env: str) -> StormResult:
    return run_storm(SHORT_STORM, tmp_path, app_env={**APP_ENV, **env})


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Multiple tabs open")
@pytest.mark.scenario("Refresh storm under load")
def test_refresh_storm_rotates_every_time_and_racing_tabs_rotate_once(tmp_path: Path) -> None:
    result = storm(tmp_path)
    assert result.passed, result.log[-2000:]
    assert result.endpoints["refresh"].requests > 0
    assert result.endpoints["refresh (tab race)"].failures == 0
    assert result.endpoints["tab race: one rotation"].requests > 0


@pytest.mark.scenario("Refresh storm under load")
def test_refresh_storm_without_grace_window_fails_the_gate(tmp_path: Path) -> None:
    result = storm(tmp_path, REFAPP_REGRESSIONS="no_reuse_grace")
    assert not result.passed
    assert result.exit_code == 1
    assert result.endpoints["refresh (tab race)"].failures > 0
