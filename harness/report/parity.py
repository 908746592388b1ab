"""The parity table: each scenario written once for both drivers, and how it fared with each.

A test marked `@pytest.mark.drivers(...)` runs once per driver; its runs share an id without
the driver (`TestResult.written_once`). A driver the marker names with a reason has no run
and shows as not applicable, with it; any other missing run (deselected, or the run
stopped) shows as not run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from harness.drivers import DRIVERS
from harness.report.model import (
    FAILED,
    NOT_APPLICABLE,
    NOT_RUN,
    PASSED,
    SKIPPED,
    TestResult,
)

STATUS_ORDER = (PASSED, FAILED, NOT_APPLICABLE, SKIPPED, NOT_RUN)


@dataclass(frozen=True)
class ParityCell:
    """One driver's run of a scenario: its status, test id and, when it did not run, why."""

    status: str
    test: str | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "test": self.test, "reason": self.reason}


@dataclass(frozen=True)
class ParityRow:
    scenario: str  # the test id without the driver
    ac: list[str]
    cells: dict[str, ParityCell]  # by driver, every driver present

    @property
    def name(self) -> str:
        return self.scenario.rsplit("::", 1)[-1]

    @property
    def file(self) -> str:
        return self.scenario.split("::", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        by_driver = {driver: cell.to_dict() for driver, cell in self.cells.items()}
        return {"scenario": self.scenario, "ac": self.ac, "by_driver": by_driver}


def parity_rows(tests: Iterable[TestResult]) -> list[ParityRow]:
    """One row per scenario written once, in the order its first run finished."""
    runs: dict[str, dict[str, TestResult]] = {}
    for test in tests:
        if test.written_once is not None and test.driver is not None:
            runs.setdefault(test.written_once, {})[test.driver] = test
    return [_row(scenario, by_driver) for scenario, by_driver in runs.items()]


def _row(scenario: str, by_driver: dict[str, TestResult]) -> ParityRow:
    reasons = {d: why for test in by_driver.values() for d, why in test.not_applicable.items()}
    cells: dict[str, ParityCell] = {}
    for driver in DRIVERS:
        test = by_driver.get(driver)
        if test is not None:
            cells[driver] = ParityCell(test.status, test.id, test.skip_reason)
        elif driver in reasons:
            cells[driver] = ParityCell(NOT_APPLICABLE, None, reasons[driver])
        else:
            cells[driver] = ParityCell(NOT_RUN)
    acs = sorted({ac for test in by_driver.values() for ac in test.ac}, key=lambda a: (len(a), a))
    return ParityRow(scenario, acs, cells)


def parity_summary(rows: Iterable[ParityRow]) -> dict[str, dict[str, int]]:
    """Per driver, how many scenarios ended in each status (passed first, not run last)."""
    counts: dict[str, Counter[str]] = {driver: Counter() for driver in DRIVERS}
    for row in rows:
        for driver, cell in row.cells.items():
            counts[driver][cell.status] += 1
    order = {status: n for n, status in enumerate(STATUS_ORDER)}
    return {
        driver: dict(sorted(counter.items(), key=lambda item: order.get(item[0], len(order))))
        for driver, counter in counts.items()
    }


def parity_document(tests: Iterable[TestResult]) -> dict[str, Any]:
    """results.json's `parity` object (docs/reports.md)."""
    rows = parity_rows(tests)
    return {
        "drivers": list(DRIVERS),
        "summary": parity_summary(rows),
        "scenarios": [row.to_dict() for row in rows],
    }
