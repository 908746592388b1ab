"""The measurement in a terminal: promised | measured | verdict."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harness.measure.finding import DIFFERS, MATCHES, MEASURED, NOT_MEASURED, VERDICTS, Finding

STYLES = {MATCHES: "bold green", DIFFERS: "bold red", MEASURED: "bold cyan", NOT_MEASURED: "dim"}


def measured_table(findings: Sequence[Finding], title: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    table.add_column("policy", overflow="fold", ratio=2)
    table.add_column("promised", overflow="fold", ratio=1)
    table.add_column("measured", overflow="fold", ratio=6)
    table.add_column("verdict", no_wrap=True)
    for row in findings:
        verdict = f"[{STYLES[row.verdict]}]{row.verdict}[/]"
        table.add_row(escape(row.what), escape(row.promised), escape(row.measured), verdict)
    return table


def print_findings(
    findings: Sequence[Finding], console: Console, *, title: str, wall_s: float
) -> None:
    console.print(measured_table(findings, title))
    counts = Counter(row.verdict for row in findings)
    parts = [f"[{STYLES[v]}]{counts[v]} {v}[/]" for v in VERDICTS if counts[v]]
    console.print(f"{', '.join(parts) or 'nothing measured'} in {wall_s:.1f} s", highlight=False)
