"""`session-harness check`: the conformance suite against one app, as a library call.

It is `session-harness run --suite conformance` against the app it found, preceded by a
preflight that turns an unreachable app or a refused first user into one line (exit 2), and
followed by the verdict table instead of the story's matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.console import Console

from harness._realtime import wall_seconds
from harness.conformance.preflight import located, preflight
from harness.exit_codes import ExitCode
from harness.interrupts import SignalGuard
from harness.measure import measuring
from harness.measure.finding import measured_findings
from harness.measure.table import print_findings
from harness.processes import ChildSweep
from harness.report.grade import Grade, graded
from harness.report.model import RunResult
from harness.report.outcome import PYTEST_USAGE_ERROR
from harness.report.progress import ProgressPlugin
from harness.report.verdict_table import print_verdicts
from harness.report.verdicts import FAIL, WARN, CheckVerdict, conformance_verdicts
from harness.runner import ConfigError, RunOptions, find_scenarios, pytest_args
from harness.target import load_profile

SUITE = "conformance"


@dataclass(frozen=True)
class CheckOutcome:
    exit_code: int
    verdicts: list[CheckVerdict]
    base_url: str
    report_dir: Path | None
    wall_s: float
    grade: Grade | None = None  # None when no graded check gave a verdict


def check(
    target: str | Path,
    *,
    base_url: str | None = None,
    report_dir: Path = Path("reports"),
    strict: bool = False,
    keyword: str | None = None,
    scenarios_dir: str | Path | None = None,
    console: Console | None = None,
    measure: bool = False,
    write_policy: bool = False,
) -> CheckOutcome:
    """Load the profile, find the app, check it answers, run the checks, print the verdicts.

    `measure` runs the policy measurement instead of the checks (docs/measure.md) and
    `write_policy` then writes what it found into the profile's [policy] table.
    Raises ProfileError for a bad profile and ConfigError (one line) for an app that cannot
    be found, reached or signed in to, or a selection that matches no check.
    """
    console = console or Console()
    if measure or write_policy:
        measuring.refuse_unmeasurable(
            target, measure=measure, keyword=keyword, write_policy=write_policy
        )
    profile = load_profile(target)
    root = find_scenarios(scenarios_dir)
    if not (root / SUITE).is_dir():
        raise ConfigError(f"conformance checks not found: {root / SUITE}")
    _report_root(report_dir)
    started = wall_seconds()
    with located(profile, base_url) as app:
        preflight(profile, app.base_url)
        console.print(
            f"checking {profile.name} at {app.base_url} ({app.how})", markup=False, soft_wrap=True
        )
        options = RunOptions(
            suite=SUITE,
            report_dir=report_dir,
            keyword=keyword,
            base_url=app.base_url,
            target=str(profile.source),
            extra_args=("--measure",) if measure else (),
        )
        if measure:
            measuring.announce(profile, app.base_url, console)
        progress = ProgressPlugin(console)
        code = _pytest_main(pytest_args(options, root), progress)
    wall_s = wall_seconds() - started
    finished = progress.run
    if finished is None or finished.outcome is None:  # pytest stopped before it began
        exit_code: int = ExitCode.USAGE if code == PYTEST_USAGE_ERROR else ExitCode.FAILED
        return CheckOutcome(exit_code, [], app.base_url, progress.report_dir, wall_s)
    verdicts = conformance_verdicts(finished.tests)
    if not verdicts and not finished.collection_errors and finished.interrupted is None:
        raise ConfigError("no check matched the selection (check -k)")
    findings = measured_findings(finished.tests) if measure else []
    if findings:
        print_findings(findings, console, title=f"Session policy: {profile.name}", wall_s=wall_s)
    grade = graded(verdicts)
    if not findings:  # the checks ran, or the measurement stopped before it found anything
        if grade is not None:
            console.print(grade.line(), markup=False, highlight=False, soft_wrap=True)
        title = f"Session conformance: {profile.name}"
        print_verdicts(verdicts, console, title=title, wall_s=wall_s)
    if write_policy and findings:
        written = measuring.write_measured_policy(profile, findings)
        console.print(f"[policy] written: {written}", markup=False, soft_wrap=True)
    if progress.report_dir is not None:
        index = progress.report_dir / "index.html"
        console.print(f"report: {index}", highlight=False, soft_wrap=True)
    exit_code = _exit_code(finished, verdicts, strict)
    return CheckOutcome(exit_code, verdicts, app.base_url, progress.report_dir, wall_s, grade)


def _pytest_main(args: Sequence[str], progress: ProgressPlugin) -> int:
    """pytest.main under the run's signal guard, then stop whatever the checks left running."""
    sweep = ChildSweep()
    try:
        with SignalGuard():
            return int(pytest.main(list(args), plugins=[progress]))
    finally:
        sweep.stop()


def _report_root(report_dir: Path) -> None:
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create the report directory {report_dir}: {exc}") from None


def _exit_code(run: RunResult, verdicts: Sequence[CheckVerdict], strict: bool) -> int:
    """1 on a fail (or a warn with --strict); an interrupted or broken run keeps its own code."""
    assert run.outcome is not None
    if run.interrupted is not None or run.collection_errors:
        return run.outcome.exit_code or ExitCode.FAILED
    failing = {FAIL, WARN} if strict else {FAIL}
    return ExitCode.FAILED if any(row.verdict in failing for row in verdicts) else ExitCode.PASSED
