"""The run's verdict in a terminal: AC matrix, scenario table and failures as rich tables."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harness.report.model import Coverage, RunResult
from harness.report.outcome import Outcome, decide
from harness.report.verdict_table import print_verdicts
from harness.report.verdicts import conformance_verdicts
from harness.story import STORY_SUITES

STYLES = {
    "passed": "bold green",
    "failed": "bold red",
    "skipped": "dim",
    "not_applicable": "bold blue",
    "not_covered": "bold yellow",
    "not_run": "dim",
    "interrupted": "bold red",
    "error": "bold red",
}


def styled(status: str, *, upper: bool = False) -> str:
    text = status.replace("_", " ")
    return f"[{STYLES.get(status, '')}]{text.upper() if upper else text}[/]"


def _coverage_table(
    title: str, rows: dict[str, Coverage], descriptions: dict[str, str], note: str
) -> Table:
    """One row per item; its name is coloured with the overall status, then one column per suite.

    `note` describes an item the story does not list.
    """
    table = Table(title=title, title_justify="left", title_style="bold")
    table.add_column("", overflow="fold", max_width=24)
    table.add_column("", overflow="fold", min_width=14)
    for suite in STORY_SUITES:
        table.add_column(suite, no_wrap=True)
    table.add_column("tests", justify="right")
    for name, row in rows.items():
        description = descriptions.get(name)
        table.add_row(
            f"[{STYLES[row.status]}]{escape(name)}[/]",
            escape(description) if description is not None else f"[yellow]{note}[/]",
            *(styled(row.by_suite.get(s, "not_run")) for s in STORY_SUITES),
            str(len(row.tests)),
        )
    return table


def print_outcome(run: RunResult, outcome: Outcome, console: Console) -> None:
    """The verdict line, its reasons and warnings, then the counts."""
    counts = run.summary()
    verdict = styled(outcome.verdict, upper=True)
    console.print(
        f"{verdict}  {counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['not_applicable']} not applicable, {counts['skipped']} skipped, "
        f"{counts['errors']} errors in {run.wall_s:.1f} s "
        f"(virtual time simulated: {run.virtual_s / 3600:.1f} h)"
    )
    for reason in outcome.reasons:
        console.print(f"  [bold red]✗[/] {escape(reason)}", highlight=False)
    for warning in outcome.warnings:
        console.print(f"  [yellow]warning:[/] {escape(warning)}", highlight=False)


def print_summary(run: RunResult, console: Console) -> None:
    if not run.tests or any(test.suite != "conformance" for test in run.tests):
        _print_story_tables(run, console)
    verdicts = conformance_verdicts(run.tests)
    if verdicts:
        print_verdicts(verdicts, console, title="Session conformance", wall_s=run.wall_s)
    for error in run.collection_errors:
        console.print(f"[bold red]ERROR[/] collecting {escape(error.describe())}", highlight=False)
    for test in run.tests:
        if test.failure is not None:
            # escape: "[alice/tab1]" in a message is text, not rich markup
            console.print(
                f"[bold red]FAILED[/] {escape(test.id)}\n  {escape(test.failure.message)}",
                highlight=False,
            )
    print_outcome(run, run.outcome or decide(run), console)


def _print_story_tables(run: RunResult, console: Console) -> None:
    story = run.story
    not_listed = f"not in story {story.id}"
    console.print(
        _coverage_table(
            f"Acceptance criteria · {story.label}",
            run.acceptance_criteria(),
            story.criterion_texts,
            not_listed,
        )
    )
    rows = run.scenario_rows()
    if rows:
        table = _coverage_table(
            "Story test scenarios", rows, story.row_expectations, "beyond the table"
        )
        console.print(table)
