"""The package outside its checkout: the wheel in a fresh virtualenv, used from empty folders.

One slow test (it builds the wheel once and installs it with its dependencies).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = {
    "harness/scenarios/api/test_ac1_active_user_not_redirected.py",
    "harness/scenarios/browser/test_hidden_tab.py",
    "harness/scenarios/conformance/test_rotation.py",
    "harness/conformance/session.py",
    "harness/scenarios/load/test_refresh_storm.py",
    "harness/stories/story-3.2.toml",
    "harness/builtin-scenarios.ini",
    "harness/starter_files/pytest.ini",
    "harness/starter_files/scenarios/api/test_api_example.py",
    "reference_app/static/auth/client.js",
}


def sh(*command: str | Path, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    # Nothing of the checkout may leak in: the venv must use the installed wheel.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def summary(folder: Path) -> dict[str, object]:
    doc = json.loads((folder / "reports" / "latest" / "results.json").read_text())
    return {
        **doc["summary"],
        "story": doc["story"]["id"],
        "suites": sorted({t["suite"] for t in doc["tests"]}),
    }


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_runs_init_and_the_bundled_scenarios_from_empty_folders(
    tmp_path: Path,
) -> None:
    built = sh(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", "dist", ROOT, cwd=tmp_path
    )
    assert built.returncode == 0, built.stderr[-3000:]
    [wheel] = (tmp_path / "dist").glob("session_harness-*.whl")
    missing = BUNDLED - set(zipfile.ZipFile(wheel).namelist())
    assert missing == set()

    venv = tmp_path / "venv"
    assert sh(sys.executable, "-m", "venv", venv, cwd=tmp_path).returncode == 0
    installed = sh(venv / "bin" / "pip", "install", "-q", wheel, cwd=tmp_path, timeout=900)
    assert installed.returncode == 0, installed.stderr[-3000:]
    cli = venv / "bin" / "session-harness"
    where = sh(
        venv / "bin" / "python", "-c", "import harness; print(harness.__file__)", cwd=tmp_path
    )
    assert where.stdout.startswith(str(venv)), where.stdout

    project = tmp_path / "project"
    project.mkdir()
    assert sh(cli, "init", cwd=project).returncode == 0
    api = sh(cli, "run", "--suite", "api", cwd=project)
    assert api.returncode == 0, api.stdout[-3000:] + api.stderr[-3000:]
    started = summary(project)
    assert (started["story"], started["suites"], started["passed"]) == ("EXAMPLE-1", ["api"], 1)
    every = sh(cli, "run", cwd=project)  # the browser and load examples pass as written too
    assert every.returncode == 0, every.stdout[-3000:] + every.stderr[-3000:]
    assert summary(project)["suites"] == ["api", "browser", "load"]

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    bundled = sh(cli, "run", "--suite", "api", cwd=elsewhere)  # no ./scenarios: the bundled ones
    assert bundled.returncode == 0, bundled.stdout[-3000:] + bundled.stderr[-3000:]
    result = summary(elsewhere)
    assert result["story"] == "3.2" and result["outcome"] == "passed"
    assert result["passed"] == result["total"] and int(result["total"]) > 30  # type: ignore[call-overload]
    checked = sh(cli, "check", "--target", "reference-app", "-k", "rotates", cwd=elsewhere)
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]
    assert "1 pass" in checked.stdout
