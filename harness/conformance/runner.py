"""`session-harness check`: the conformance suite against one app, as a library call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rich.console import Console

from harness._realtime import wall_seconds
from harness.conformance.preflight import located, preflight
from harness.conformance.summary import print_verdicts
from harness.conformance.verdicts import (
    FAIL,
    NOT_APPLICABLE_PREFIX,
    WARN,
    CheckVerdict,
    failure_reason,
)
from harness.report.progress import ProgressPlugin
from harness.runner import EXIT_FAILED, EXIT_OK, EXIT_USAGE, PYTEST_INI, ConfigError
from harness.runner import find_scenarios as find_scenarios_root
from harness.target import load_profile

SUITE = "conformance"


@dataclass(frozen=True)
class CheckOutcome:
    exit_code: int
    verdicts: list[CheckVerdict]
    base_url: str
    report_dir: Path | None
    wall_s: float


@dataclass
class _Row:
    outcome: str = "passed"
    message: str | None = None
    properties: list[tuple[str, object]] = field(default_factory=list)


class VerdictCollector:
    """A pytest plugin object: each check's outcome, message and properties, in run order."""

    def __init__(self) -> None:
        self._rows: dict[str, _Row] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        row = self._rows.setdefault(report.nodeid, _Row())
        row.properties = list(report.user_properties)
        if report.failed and row.outcome != "failed":
            row.outcome, row.message = "failed", _failure_line(report)
        elif report.skipped and row.outcome == "passed":
            row.outcome, row.message = "skipped", _skip_reason(report)

    @property
    def verdicts(self) -> list[CheckVerdict]:
        return [
            CheckVerdict.of(nodeid, row.outcome, row.message, row.properties)
            for nodeid, row in self._rows.items()
        ]


def _failure_line(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    return failure_reason(str(getattr(crash, "message", "") or report.longreprtext))


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return NOT_APPLICABLE_PREFIX + report.longreprtext


def check(
    target: str | Path,
    *,
    base_url: str | None = None,
    report_dir: Path = Path("reports"),
    strict: bool = False,
    keyword: str | None = None,
    scenarios_dir: Path | None = None,
    console: Console | None = None,
) -> CheckOutcome:
    """Load the profile, find the app, check it answers, run the checks, print the verdicts.

    Raises ProfileError for a bad profile and ConfigError (one line) for an app that cannot
    be found, reached or signed in to.
    """
    console = console or Console()
    profile = load_profile(target)
    suite = find_scenarios_root(scenarios_dir) / SUITE
    if not suite.is_dir():
        raise ConfigError(f"conformance checks not found: {suite}")
    _report_root(report_dir)
    started = wall_seconds()
    with located(profile, base_url) as app:
        preflight(profile, app.base_url)
        console.print(
            f"checking {profile.name} at {app.base_url} ({app.how})", markup=False, soft_wrap=True
        )
        args = [
            str(suite),
            "--target",
            str(profile.source),
            "--base-url",
            app.base_url,
            "--harness-report",
            str(report_dir),
            "-p",
            "no:terminal",
            *PYTEST_INI,
            *(["-k", keyword] if keyword else []),
        ]
        progress, collector = ProgressPlugin(console), VerdictCollector()
        code = pytest.main(args, plugins=[progress, collector])
    wall_s = wall_seconds() - started
    verdicts = collector.verdicts
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        raise ConfigError("no check matched the selection (check -k)")
    print_verdicts(verdicts, console, title=f"Session conformance: {profile.name}", wall_s=wall_s)
    if progress.report_dir is not None:
        index = progress.report_dir / "index.html"
        console.print(f"report: {index}", highlight=False, soft_wrap=True)
    exit_code = _exit_code(int(code), verdicts, strict, bool(progress.collect_errors))
    return CheckOutcome(exit_code, verdicts, app.base_url, progress.report_dir, wall_s)


def _report_root(report_dir: Path) -> None:
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create the report directory {report_dir}: {exc}") from None


def _exit_code(code: int, verdicts: Sequence[CheckVerdict], strict: bool, broken: bool) -> int:
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) and not broken:
        return EXIT_USAGE  # pytest could not run at all (its own usage or internal error)
    failing = {FAIL, WARN} if strict else {FAIL}
    if broken or any(row.verdict in failing for row in verdicts):
        return EXIT_FAILED
    return EXIT_OK
