"""The verdicts in a terminal: one row per check, then the counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harness.report.verdicts import FAIL, NOT_APPLICABLE, PASS, VERDICTS, WARN, CheckVerdict

STYLES = {PASS: "bold green", FAIL: "bold red", WARN: "bold yellow", NOT_APPLICABLE: "dim"}


def verdict_table(verdicts: Sequence[CheckVerdict], title: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", show_lines=False)
    table.add_column("check", overflow="fold", ratio=3)
    table.add_column("verdict", no_wrap=True)
    table.add_column("reason", overflow="fold", ratio=5)
    table.add_column("reference", overflow="fold", ratio=2)
    for row in verdicts:
        table.add_row(
            escape(row.check),
            f"[{STYLES[row.verdict]}]{row.verdict}[/]",
            escape(row.reason),
            escape(", ".join(row.references)),
        )
    return table


def counts_line(verdicts: Sequence[CheckVerdict], wall_s: float) -> str:
    counts = Counter(row.verdict for row in verdicts)
    parts = [f"[{STYLES[v]}]{counts[v]} {v}[/]" for v in VERDICTS if counts[v]]
    return f"{', '.join(parts) or 'no checks'} in {wall_s:.1f} s"


def print_verdicts(
    verdicts: Sequence[CheckVerdict], console: Console, *, title: str, wall_s: float
) -> None:
    console.print(verdict_table(verdicts, title))
    console.print(counts_line(verdicts, wall_s), highlight=False)
