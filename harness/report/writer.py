"""The report folder: reports/<run-id>/ with every file, and reports/latest pointing at it."""

from __future__ import annotations

import dataclasses
import os
import shutil
from datetime import datetime
from pathlib import Path

from harness.events import Artifact, Event
from harness.report.badge import write_badge
from harness.report.grade import graded
from harness.report.html import anchor, write_html
from harness.report.json_report import write_events, write_results
from harness.report.model import RunResult
from harness.report.outcome import decide
from harness.report.trend import current_point, read_trend
from harness.report.verdicts import conformance_verdicts

LATEST = "latest"


def new_run_id(root: Path, started: datetime) -> str:
    """A sortable UTC timestamp, suffixed when two runs start in the same second."""
    base = started.strftime("%Y%m%dT%H%M%SZ")
    run_id, n = base, 1
    while (root / run_id).exists():
        n += 1
        run_id = f"{base}-{n}"
    return run_id


def _copy_artifact(event: Artifact, directory: Path, test_id: str) -> Event:
    source = Path(event.path)
    if not source.exists():
        return dataclasses.replace(event, label=f"{event.label} (missing: {event.path})")
    target = directory / "artifacts" / anchor(test_id) / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        shutil.copy2(source, target)
    return dataclasses.replace(event, path=target.relative_to(directory).as_posix())


def collect_artifacts(run: RunResult, directory: Path) -> None:
    """Copy screenshots and traces next to the report so its links survive the test's tmp dir."""
    for test in run.tests:
        test.events = [
            _copy_artifact(e, directory, test.id) if isinstance(e, Artifact) else e
            for e in test.events
        ]


def point_latest(root: Path, directory: Path) -> None:
    """Repoint reports/latest atomically; where symlinks fail it becomes a file holding the path."""
    link = root / LATEST
    temp = root / f".{LATEST}.{os.getpid()}"
    try:
        temp.unlink(missing_ok=True)
        temp.symlink_to(directory.name, target_is_directory=True)
        if link.is_dir() and not link.is_symlink():
            shutil.rmtree(link)
        os.replace(temp, link)
    except OSError:
        temp.unlink(missing_ok=True)
        if link.is_symlink():
            link.unlink()
        link.write_text(str(directory.resolve()) + "\n", encoding="utf-8")


def write_report(run: RunResult, directory: Path) -> Path:
    """Write results.json, events.ndjson.gz, index.html and (after conformance checks)
    grade.svg into `directory`; returns index.html.

    The verdict is `run.outcome`, decided here when the caller has not.
    """
    directory.mkdir(parents=True, exist_ok=True)
    outcome = run.outcome or decide(run)
    collect_artifacts(run, directory)
    write_results(run, outcome, directory)
    write_events(run, directory)
    if grade := graded(conformance_verdicts(run.tests)):
        write_badge(grade, directory)
    point = current_point(run.run_id, run.summary(), outcome, run.wall_s)
    return write_html(run, outcome, directory, read_trend(directory.parent, point))
