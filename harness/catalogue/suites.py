"""One suite run in a pytest process of its own, with one regression switched on."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness._realtime import wall_seconds

# Tests that prove a check can fail name the very switch they exercise: they measure nothing.
PYTEST_OPTIONS = ("-q", "-m", "not negative")
SUITE_TIMEOUT_S = 900.0
# Set when the catalogue is interrupted: suites queued behind the running ones never start.
STOPPING = threading.Event()


@dataclass(frozen=True)
class SuiteRun:
    """What one suite did with one regression (None: the clean app)."""

    suite: str
    regression: str | None
    failed: tuple[str, ...]  # test ids that failed or errored
    passed: int
    exit_code: int
    seconds: float
    problem: str = ""  # why the run itself broke (no JUnit file, a timeout)
    stopped_early: bool = False  # it ended at its first failing test

    @property
    def green(self) -> bool:
        return self.exit_code == 0 and not self.failed and not self.problem


@dataclass(frozen=True)
class SuiteCommand:
    """How to run one suite: its paths under `cwd` and any extra pytest arguments."""

    suite: str
    paths: tuple[str, ...]
    cwd: Path
    extra: tuple[str, ...] = field(default_factory=tuple)


def run_suite(
    command: SuiteCommand,
    regression: str | None,
    *,
    stop_at_first: bool = False,
    history: Path | None = None,
    first: Sequence[str] = (),
) -> SuiteRun:
    """Run the suite in a child pytest with `REFAPP_REGRESSIONS` set to `regression`;
    `stop_at_first` ends it at its first failing test (one catch is proof enough).

    `history` is a pytest cache folder of this entry and suite: the tests that caught the
    entry last time run first (`--failed-first`), so a known catch ends the run in seconds.
    Where it remembers none, the tests in `first` run first instead.
    """
    started = wall_seconds()
    with tempfile.TemporaryDirectory(prefix="catalogue-") as scratch:
        junit = Path(scratch) / "junit.xml"
        if first:
            history = history or Path(scratch) / "cache"
            _remember_unless_known(history, first)
        argv = [
            sys.executable,
            "-m",
            "pytest",
            *command.paths,
            *PYTEST_OPTIONS,
            f"--junitxml={junit}",
            *(["--maxfail=1"] if stop_at_first else []),
            *_history_options(history),
            *command.extra,
        ]
        env = {**os.environ, "REFAPP_REGRESSIONS": regression or ""}
        code, problem = _run(argv, env, command.cwd)
        failed, passed = _read_junit(junit) if junit.exists() else ((), 0)
        if not junit.exists() and not problem:
            problem = f"pytest exited {code} without results"
    return SuiteRun(
        suite=command.suite,
        regression=regression,
        failed=failed,
        passed=passed,
        exit_code=code,
        seconds=wall_seconds() - started,
        problem=problem,
        stopped_early=stop_at_first and bool(failed),
    )


def _remember_unless_known(history: Path, tests: Sequence[str]) -> None:
    """`tests` as the ones that failed last time, in pytest's cache, unless it knows some."""
    lastfailed = history / "v" / "cache" / "lastfailed"
    if not lastfailed.exists():
        lastfailed.parent.mkdir(parents=True, exist_ok=True)
        lastfailed.write_text(json.dumps(dict.fromkeys(tests, True)))


def _history_options(history: Path | None) -> list[str]:
    if history is None:
        return ["-p", "no:cacheprovider"]
    return ["-o", f"cache_dir={history}", "--failed-first"]


def _run(argv: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """Exit code and, for a run that hung, why; output is discarded (JUnit has the results)."""
    if STOPPING.is_set():
        return -1, "the catalogue was interrupted before this suite started"
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its app servers and browsers go down with it
    )
    try:
        return process.wait(timeout=SUITE_TIMEOUT_S), ""
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return -1, f"the suite did not finish within {SUITE_TIMEOUT_S:.0f} s"


def _read_junit(path: Path) -> tuple[tuple[str, ...], int]:
    """(ids of failed or errored tests, number passed) from a pytest JUnit file."""
    failed: list[str] = []
    passed = 0
    for case in ElementTree.parse(path).getroot().iter("testcase"):
        outcome = {child.tag for child in case}
        if outcome & {"failure", "error"}:
            failed.append(_test_id(case.get("classname", ""), case.get("name", "")))
        elif "skipped" not in outcome:
            passed += 1
    return tuple(dict.fromkeys(failed)), passed


def _test_id(classname: str, name: str) -> str:
    """`scenarios.api.test_x` + `test_y[p]` → `scenarios/api/test_x.py::test_y[p]`."""
    return classname.replace(".", "/") + ".py::" + name
