"""The story's API scenarios against apps built on other people's auth code, from their profiles.

Each run is `session-harness run --target examples/<app>.toml --suite api` in its own
process: what applies runs, the rest is reported not applicable, and a real defect of the
library's defaults shows as a failed scenario with its reason.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_api_suite(example: str, report_dir: Path) -> tuple[int, dict[str, Any]]:
    completed = subprocess.run(
        [sys.executable, "-m", "harness", "run", "--suite", "api", "-m", "not slow",
         "--target", str(ROOT / "examples" / example), "--report-dir", str(report_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert "Traceback" not in completed.stderr, completed.stderr[-2000:]
    doc = json.loads((report_dir / "latest" / "results.json").read_text())
    return completed.returncode, doc


def outcomes(doc: dict[str, Any]) -> dict[str, str]:
    return {test["id"].rsplit("::", 1)[-1]: test["status"] for test in doc["tests"]}


@pytest.mark.slow
def test_simplejwt_app_passes_every_scenario_that_applies_to_it(tmp_path: Path) -> None:
    code, doc = run_api_suite("drf-simplejwt.toml", tmp_path)
    summary = doc["summary"]
    assert (code, summary["failed"], summary["outcome"]) == (0, 0, "passed")
    assert summary["passed"] >= 10 and summary["not_applicable"] >= 20
    assert doc["target"].startswith("drf-simplejwt")


@pytest.mark.slow
def test_flask_cookie_app_fails_only_the_logout_that_leaves_the_session_alive(
    tmp_path: Path,
) -> None:
    code, doc = run_api_suite("flask-jwt-cookies.toml", tmp_path)
    failed = [name for name, status in outcomes(doc).items() if status == "failed"]
    assert code == 1
    assert failed == ["test_logout_in_one_tab_sends_every_tab_of_the_profile_to_login[api]"]
    [test] = [t for t in doc["tests"] if t["status"] == "failed"]
    assert "logout only cleared the browser" in test["failure"]["message"]
    assert doc["summary"]["passed"] >= 10 and doc["summary"]["not_applicable"] >= 20
