"""The catalogue's result as text: entry → the tests that caught it, or MISSED; the score."""

from __future__ import annotations

from collections.abc import Iterator

from harness.catalogue.runner import CatalogueResult, EntryResult
from harness.catalogue.suites import SuiteRun

SHOWN_TESTS = 3  # per entry, unless every test is asked for


def describe_run(run: SuiteRun) -> str:
    """One line per finished suite run (progress)."""
    what = run.regression or "clean app"
    outcome = run.problem or (f"{len(run.failed)} failed" if run.failed else "green")
    return f"  {what}: {run.suite} suite {outcome} ({run.seconds:.0f} s)"


def _entry_lines(entry: EntryResult, every_test: bool) -> Iterator[str]:
    head = f"{entry.name:<28} {entry.layer:<6}"
    if not entry.caught:
        ran = ", ".join(run.suite for run in entry.runs) or "nothing"
        problems = "".join(f"; {run.problem}" for run in entry.runs if run.problem)
        yield f"{head} MISSED (ran: {ran}){problems}"
        return
    caught = set(entry.caught_by)
    suites = ", ".join(sorted({run.suite for run in entry.runs if caught & set(run.failed)}))
    early = " (stopped at the first)" if any(run.stopped_early for run in entry.runs) else ""
    yield f"{head} caught by {len(entry.caught_by)} test(s) of the {suites} suite{early}"
    shown = entry.caught_by if every_test else entry.caught_by[:SHOWN_TESTS]
    for test in shown:
        yield f"    {test}"
    if len(shown) < len(entry.caught_by):
        yield f"    (+{len(entry.caught_by) - len(shown)} more)"


def summary_lines(result: CatalogueResult, *, every_test: bool = False) -> Iterator[str]:
    """The table, the score and the clean app's verdict."""
    for entry in result.entries:
        yield from _entry_lines(entry, every_test)
    caught = len(result.entries) - len(result.missed)
    total = len(result.entries)
    share = 100.0 * caught / total if total else 0.0
    yield f"score: {caught}/{total} caught ({share:.0f}%)"
    if result.clean_green:
        counts = ", ".join(f"{run.suite} {run.passed} passed" for run in result.clean)
        yield f"clean app green ({counts})"
    else:
        for run in result.clean:
            if not run.green:
                failing = ", ".join(run.failed) or run.problem or f"exit {run.exit_code}"
                yield f"clean app RED: {run.suite} suite: {failing}"
    yield f"time: {result.seconds:.0f} s"
