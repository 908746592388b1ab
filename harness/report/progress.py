"""A pytest plugin object showing a run's progress with rich, in place of pytest's own output."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from harness.report.collector import REPORT_DIR_KEY, RUN_KEY
from harness.report.model import RunResult


class ProgressPlugin:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.run: RunResult | None = None
        self.report_dir: Path | None = None
        self.collect_errors: list[str] = []
        self._progress = Progress(
            TextColumn("[bold]scenarios"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=console,
            transient=True,
        )
        self._task: TaskID | None = None

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors.append(report.nodeid)
            lines = report.longreprtext.strip().splitlines() or ["failed"]
            self.console.print(
                f"[bold red]ERROR[/] collecting {escape(report.nodeid)}: {escape(lines[-1])}",
                highlight=False,
            )

    def _start(self, total: int) -> None:
        if self._task is None:
            self._task = self._progress.add_task("", total=total)
            self._progress.start()

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self._start(len(session.items))

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: object, ids: list[str]) -> None:
        """Under pytest-xdist the controller collects nothing; the first worker tells the total."""
        self._start(len(ids))

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        if self._task is not None:
            self._progress.update(self._task, description=nodeid.rsplit("::", 1)[-1])

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self._progress.console.print(
                f"[bold red]FAILED[/] {escape(report.nodeid)} ({report.when})", highlight=False
            )
        if report.when == "teardown" and self._task is not None:
            self._progress.advance(self._task)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self._progress.stop()
        self.run = config.stash.get(RUN_KEY, None)
        self.report_dir = config.stash.get(REPORT_DIR_KEY, None)
