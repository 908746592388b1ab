"""SIGTERM in the middle of each suite: the report of what ran, marked interrupted, and no
process of the run left alive (`session-harness run`, and a plain pytest run with the report).

Each run has a quick passing test, then one that holds the suite's real resources (the
embedded app, a uvicorn server and Chromium, a Locust storm) and waits; the signal comes
once it is waiting.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

INI = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
"""
FIRST = """
def test_first(recorder):
    pass
"""
HOLDS = {
    "api": """
import asyncio, os
from pathlib import Path

async def test_holds(profile, clock, recorder):
    await (await profile("alice")).login()
    Path(os.environ["HARNESS_TEST_MARK"]).write_text("waiting")
    await asyncio.sleep(120)
""",
    "browser": """
import asyncio, os
from pathlib import Path

async def test_holds(session, clock, recorder):
    profile = await session.new_profile("alice")
    await profile.new_tab("/login")
    Path(os.environ["HARNESS_TEST_MARK"]).write_text("waiting")
    await asyncio.sleep(120)
""",
    "load": """
import os
from pathlib import Path
from harness.load.runner import StormConfig, run_storm

def test_holds(tmp_path):
    Path(os.environ["HARNESS_TEST_MARK"]).write_text("waiting")
    config = StormConfig(profiles=2, lifetimes=2, tick_s=1.0, think_s=1.0, between_s=120.0)
    run_storm(config, tmp_path)
""",
}
# What must be running before the signal: the process the suite's resources live in.
WAIT_FOR = {"api": None, "browser": "chromium", "load": "locust"}


def alive(process: psutil.Process) -> bool:
    """Running and not a zombie; a process that ended while it was asked is not."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def command_of(process: psutil.Process) -> str:
    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""


def descendants(process: psutil.Process) -> list[psutil.Process]:
    return [p for p in process.children(recursive=True) if alive(p)]


def wait_until_holding(run: subprocess.Popen[str], mark: Path, needs: str | None) -> None:
    deadline = time.monotonic() + 90
    process = psutil.Process(run.pid)
    while time.monotonic() < deadline:
        assert run.poll() is None, run.communicate()[0][-3000:]
        commands = " ".join(command_of(p) for p in descendants(process))
        if mark.exists() and (needs is None or needs in commands):
            time.sleep(1.0)  # well inside the wait
            return
        time.sleep(0.2)
    pytest.fail(f"the run never reached its waiting test ({needs or 'mark file'})")


COMMANDS = {
    "session-harness run": ["-m", "harness", "run", "--report-dir", "out", "--suite"],
    "pytest --harness-report": ["-m", "pytest", "scenarios", "--harness-report", "out", "--suite"],
}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "suite"),
    [("session-harness run", suite) for suite in HOLDS] + [("pytest --harness-report", "api")],
)
def test_sigterm_mid_suite_writes_an_interrupted_report_and_leaves_no_process(
    tmp_path: Path, command: str, suite: str
) -> None:
    folder = tmp_path / "scenarios" / suite
    folder.mkdir(parents=True)
    (folder / "test_1_first.py").write_text(FIRST)
    (folder / "test_2_holds.py").write_text(HOLDS[suite])
    (tmp_path / "pytest.ini").write_text(INI)
    mark = tmp_path / "waiting"
    run = subprocess.Popen(
        [sys.executable, *COMMANDS[command], suite],
        cwd=tmp_path,
        env={**os.environ, "HARNESS_TEST_MARK": str(mark)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        wait_until_holding(run, mark, WAIT_FOR[suite])
        started = descendants(psutil.Process(run.pid))
        run.send_signal(signal.SIGTERM)
        output, _ = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    assert run.returncode == 143, output[-3000:]
    left = [p for p in started if alive(p)]
    assert left == [], [command_of(p) for p in left]
    report = tmp_path / "out" / "latest"
    doc = json.loads((report / "results.json").read_text())
    assert doc["summary"]["outcome"] == "interrupted" and doc["summary"]["exit_code"] == 143
    assert doc["summary"]["passed"] == 1 and doc["interrupted"] == "SIGTERM"
    assert "test_holds" in doc["summary"]["reasons"][0]
    assert "INTERRUPTED" in (report / "index.html").read_text()
    assert (report / "junit.xml").is_file()
    assert "INTERRUPTED" in output and "interrupted by SIGTERM" in output


def test_sigterm_during_the_bug_catalogue_stops_every_suite_it_started(tmp_path: Path) -> None:
    """`session-harness mutants` runs its suites in sessions of their own: on SIGTERM it must
    end them (and their app servers) itself, not leave them running for minutes."""
    mark = tmp_path / "waiting"
    for suite in ("api", "browser"):
        (tmp_path / "scenarios" / suite).mkdir(parents=True)
    (tmp_path / "scenarios" / "api" / "test_holds.py").write_text(HOLDS["api"])
    (tmp_path / "scenarios" / "browser" / "test_first.py").write_text(FIRST)
    command = [sys.executable, "-m", "harness", "mutants", "--only", "no_rotation", "--jobs", "1"]
    env = {**os.environ, "HARNESS_TEST_MARK": str(mark)}
    run = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    wait_until_holding(run, mark, None)
    started = descendants(psutil.Process(run.pid))
    assert any("pytest" in command_of(p) for p in started)
    run.send_signal(signal.SIGTERM)
    output = run.communicate(timeout=60)[0]
    assert run.returncode == 143, output[-2000:]
    assert "interrupted" in output
    _, still = psutil.wait_procs(started, timeout=5)
    assert not still, [command_of(p)[:80] for p in still]
