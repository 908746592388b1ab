"""The bug catalogue: the reference app's deliberate regressions, each run against the suites.

`run_catalogue()` is the library call behind `session-harness mutants`: every entry switched
on in an app of its own (`REFAPP_REGRESSIONS=<name>` in a pytest process of its own), the
suites that should catch it run, and the tests that failed named. docs/regressions.md lists
the entries.
"""

from __future__ import annotations

from harness.catalogue.runner import (
    CatalogueError,
    CatalogueResult,
    EntryResult,
    Plan,
    run_catalogue,
)
from harness.catalogue.suites import SuiteRun

__all__ = [
    "CatalogueError",
    "CatalogueResult",
    "EntryResult",
    "Plan",
    "SuiteRun",
    "run_catalogue",
]
