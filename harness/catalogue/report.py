"""The catalogue's result as JSON, for docs and dashboards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.catalogue.runner import CatalogueResult
from harness.catalogue.suites import SuiteRun


def _run(run: SuiteRun) -> dict[str, Any]:
    return {
        "suite": run.suite,
        "failed": list(run.failed),
        "passed": run.passed,
        "exit_code": run.exit_code,
        "seconds": round(run.seconds, 1),
        "problem": run.problem or None,
    }


def result_dict(result: CatalogueResult) -> dict[str, Any]:
    return {
        "score": {"caught": len(result.entries) - len(result.missed), "of": len(result.entries)},
        "clean_green": result.clean_green,
        "seconds": round(result.seconds, 1),
        "clean": [_run(run) for run in result.clean],
        "entries": [
            {
                "name": entry.name,
                "layer": entry.layer,
                "caught": entry.caught,
                "caught_by": entry.caught_by,
                "runs": [_run(run) for run in entry.runs],
            }
            for entry in result.entries
        ],
    }


def write_json(result: CatalogueResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result_dict(result), indent=2) + "\n")
