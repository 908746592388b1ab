"""The run's verdict in a terminal: AC matrix, scenario table and failures as rich tables."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from harness.report.model import Coverage, RunResult
from harness.story import ACCEPTANCE_CRITERIA, SCENARIO_TABLE

STYLES = {
    "passed": "bold green",
    "failed": "bold red",
    "skipped": "dim",
    "not_covered": "bold yellow",
}


def styled(status: str) -> str:
    return f"[{STYLES.get(status, '')}]{status.replace('_', ' ')}[/]"


def _suites(run: RunResult) -> list[str]:
    return ["api", "browser", *(s for s in run.suites() if s not in ("api", "browser"))]


def _suite_cell(row: Coverage, suite: str) -> str:
    """api and browser are meant to cover every row; another suite shows a dash where absent."""
    if suite in row.by_suite or suite in ("api", "browser"):
        return styled(row.by_suite.get(suite, "not_covered"))
    return "[dim]-[/]"


def _coverage_table(
    title: str, rows: dict[str, Coverage], descriptions: dict[str, str], suites: list[str]
) -> Table:
    """One row per item; its name is coloured with the overall status, then one column per suite."""
    table = Table(title=title, title_justify="left", title_style="bold")
    table.add_column("", overflow="fold", max_width=24)
    table.add_column("", overflow="fold", min_width=14)
    for suite in suites:
        table.add_column(suite, no_wrap=True)
    table.add_column("tests", justify="right")
    for name, row in rows.items():
        by_suite = [_suite_cell(row, s) for s in suites]
        table.add_row(
            f"[{STYLES[row.status]}]{name}[/]",
            descriptions.get(name, ""),
            *by_suite,
            str(len(row.tests)),
        )
    return table


def print_summary(run: RunResult, console: Console) -> None:
    suites = _suites(run)
    console.print(
        _coverage_table(
            "Acceptance criteria", run.acceptance_criteria(), ACCEPTANCE_CRITERIA, suites
        )
    )
    console.print(
        _coverage_table("Story test scenarios", run.scenario_rows(), SCENARIO_TABLE, suites)
    )
    for test in run.tests:
        if test.failure is not None:
            console.print(
                f"[bold red]FAILED[/] {test.id}\n  {test.failure.message}", highlight=False
            )
    counts = run.summary()
    verdict = "[bold green]PASSED[/]" if run.ok else "[bold red]FAILED[/]"
    console.print(
        f"{verdict}  {counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['skipped']} skipped in {run.wall_s:.1f} s "
        f"(virtual time simulated: {run.virtual_s / 3600:.1f} h)"
    )
