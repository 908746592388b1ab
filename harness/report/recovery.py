"""The report of a run that could not write its own, built from its journal.

Two cases: a conftest.py that does not import (pytest stops before the run begins: the
verdict is a collection error, `failed`), and a process that ended before its tests did
(`os._exit`, a segfault: `error`, naming the tests that were running).
"""

from __future__ import annotations

import signal
from datetime import datetime
from pathlib import Path

from harness._realtime import wall_now
from harness.exit_codes import ExitCode, exit_code_for_signal
from harness.report.journal import Journal
from harness.report.model import RunResult, TestResult
from harness.report.outcome import Outcome, decide
from harness.report.writer import new_run_id, point_latest, write_report
from harness.story import Story


def _started(journal: Journal) -> datetime:
    try:
        return datetime.fromisoformat(journal.started_at)
    except ValueError:
        return wall_now()


def _directory(journal: Journal, report_root: Path, started: datetime) -> Path:
    """The run's own folder when it made one, else a new one under `report_root`."""
    if journal.report_dir is not None:
        return journal.report_dir
    return report_root / new_run_id(report_root, started)


def journal_run(journal: Journal, story: Story) -> RunResult:
    """What the journal proves: the tests that finished, those running, how many were due."""
    started = _started(journal)
    run = RunResult(run_id="", started_at=started, story=story)
    run.tests = [
        TestResult(nodeid, done.suite, status=done.status, skip_reason=done.skip_reason)
        for nodeid, done in journal.finished.items()
    ]
    run.collected = None if journal.collected is None else len(journal.collected)
    run.unfinished = journal.unfinished
    if journal.conftest_error is not None:
        run.collection_errors.append(journal.conftest_error)
    run.wall_s = max((wall_now() - started).total_seconds(), 0.0)
    return run


def vanished(journal: Journal, how: str) -> Outcome:
    """The verdict on a run whose process ended (`how`: "was killed by SIGSEGV") mid-run."""
    total = "?" if journal.collected is None else str(len(journal.collected))
    running = journal.unfinished
    during = f" during {', '.join(running)}" if running else " before its tests finished"
    if not running and journal.started:
        during += f" (the last test started: {journal.started[-1]})"
    reason = f"the run's process {how}{during}; {len(journal.finished)} of {total} tests reported"
    return Outcome("error", ExitCode.ERROR, (reason,))


def interrupted(journal: Journal, signal_name: str, how: str | None = None) -> Outcome:
    """The verdict on a run a signal stopped that wrote no report of its own: before its tests
    began, or (`how`: "exited 1 without finishing") failing while it stopped."""
    total = "?" if journal.collected is None else str(len(journal.collected))
    when = " before the suite started" if journal.collected is None else ""
    failing = f"; the run's process {how} while it stopped" if how else ""
    reason = (
        f"interrupted by {signal_name}{when}{failing}; "
        f"{len(journal.finished)} of {total} tests reported"
    )
    return Outcome("interrupted", exit_code_for_signal(signal.Signals[signal_name]), (reason,))


def write_recovered(
    journal: Journal,
    report_root: Path,
    story: Story,
    outcome: Outcome | None = None,
    interrupted: str | None = None,
) -> RunResult:
    """Write the journal's run as the report (`outcome`, else decided) and point latest at it;
    `interrupted`: the signal that stopped it."""
    run = journal_run(journal, story)
    run.interrupted = interrupted
    directory = _directory(journal, report_root, run.started_at)
    run.run_id = directory.name
    run.outcome = outcome or decide(run)
    write_report(run, directory)
    point_latest(directory.parent, directory)
    return run
