"""Load suite example: a short refresh storm of browser-like profiles (Locust, own process)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness import TargetProfile
from harness.load.runner import StormConfig, run_storm

# Every profile signs in at once; their tokens then expire together, twice. A one-second tab
# timer and an action a second keep each herd to a second or two of real time.
SHORT = StormConfig(profiles=10, tabs=3, lifetimes=2, tick_s=1.0, think_s=1.0, between_s=1.0)


@pytest.mark.ac("SESSION-2")
def test_short_refresh_storm_logs_nobody_out(
    tmp_path: Path, load_figures: dict[str, Any], target_profile: TargetProfile
) -> None:
    # The app of the target profile (target.toml), started for the storm from its [server].
    result = run_storm(SHORT, tmp_path, target=str(target_profile.source))
    load_figures.update(result.figures.report())  # the report's load section
    assert result.exit_code == 0, result.breaches
    assert result.figures.count("false_logouts") == 0
