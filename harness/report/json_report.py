"""results.json (the schema in docs/reports.md) and events.ndjson (one event per line)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.conformance.verdicts import conformance_verdicts
from harness.report.model import Coverage, RunResult, TestResult
from harness.story import ACCEPTANCE_CRITERIA, SCENARIO_TABLE

SCHEMA_VERSION = 1


def _coverage(row: Coverage, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "status": row.status,
        "tests": row.tests,
        "by_suite": row.by_suite,
    }


def _test(test: TestResult) -> dict[str, Any]:
    start, end = test.virtual_start, test.virtual_end
    failure = test.failure
    return {
        "id": test.id,
        "suite": test.suite,
        "status": test.status,
        "ac": test.ac,
        "scenarios": test.scenarios,
        "duration_s": round(test.duration_s, 4),
        "virtual_span_s": round(test.virtual_span_s, 3),
        "virtual_start": start.isoformat() if start else None,
        "virtual_end": end.isoformat() if end else None,
        "event_count": len(test.events),
        "failure": None
        if failure is None
        else {
            "phase": failure.phase,
            "message": failure.message,
            "details": failure.details,
        },
        "skip_reason": test.skip_reason,
        "artifacts": [{"label": a.label, "path": a.path} for a in test.artifacts],
        "properties": [list(pair) for pair in test.properties],
    }


def results_document(run: RunResult) -> dict[str, Any]:
    scenarios = run.scenario_rows()
    return {
        "schema_version": SCHEMA_VERSION,
        "run_id": run.run_id,
        "started_at": run.started_at.isoformat(),
        "wall_s": round(run.wall_s, 3),
        "virtual_s": round(run.virtual_s, 3),
        "base_url": run.base_url,
        "summary": run.summary(),
        "acceptance_criteria": {
            ac: _coverage(row, ACCEPTANCE_CRITERIA[ac])
            for ac, row in run.acceptance_criteria().items()
        },
        "scenarios": {
            name: _coverage(row, SCENARIO_TABLE.get(name, "")) for name, row in scenarios.items()
        },
        "tests": [_test(t) for t in run.tests],
        # One verdict per check of the conformance suite (docs/conformance.md).
        "conformance": [row.to_dict() for row in conformance_verdicts(run.tests)],
        "events_file": "events.ndjson",
    }


def write_results(run: RunResult, directory: Path) -> Path:
    path = directory / "results.json"
    path.write_text(json.dumps(results_document(run), indent=2) + "\n", encoding="utf-8")
    return path


def write_events(run: RunResult, directory: Path) -> Path:
    """Every recorded event, each tagged with the id of the test that recorded it."""
    path = directory / "events.ndjson"
    with path.open("w", encoding="utf-8") as out:
        for test in run.tests:
            for event in test.events:
                out.write(json.dumps({"test": test.id, **event.to_dict()}) + "\n")
    return path
