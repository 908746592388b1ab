"""results.json (the schema in docs/reports.md) and events.ndjson.gz (one event per line)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from harness.measure.finding import measured_findings
from harness.report.grade import graded
from harness.report.model import Coverage, RunResult, TestResult
from harness.report.outcome import Outcome
from harness.report.parity import parity_document
from harness.report.verdicts import conformance_verdicts

SCHEMA_VERSION = 2
EVENTS_FILE = "events.ndjson.gz"


def _coverage(row: Coverage, description: str | None) -> dict[str, Any]:
    """`description` None: an id or name the story does not list."""
    return {
        "description": description or "",
        "in_story": description is not None,
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


def _summary(run: RunResult, outcome: Outcome) -> dict[str, Any]:
    return {
        **run.summary(),
        "outcome": outcome.verdict,
        "reasons": list(outcome.reasons),
        "warnings": list(outcome.warnings),
        "exit_code": outcome.exit_code,
    }


def results_document(run: RunResult, outcome: Outcome) -> dict[str, Any]:
    criteria, rows = run.story.criterion_texts, run.story.row_expectations
    verdicts = conformance_verdicts(run.tests)
    return {
        "schema_version": SCHEMA_VERSION,
        "run_id": run.run_id,
        "started_at": run.started_at.isoformat(),
        "wall_s": round(run.wall_s, 3),
        "virtual_s": round(run.virtual_s, 3),
        "base_url": run.base_url,
        "target": run.target,
        "story": {"id": run.story.id, "title": run.story.title},
        "summary": _summary(run, outcome),
        "interrupted": run.interrupted,
        "collection_errors": [
            {"nodeid": e.nodeid, "message": e.message} for e in run.collection_errors
        ],
        "acceptance_criteria": {
            ac: _coverage(row, criteria.get(ac)) for ac, row in run.acceptance_criteria().items()
        },
        "scenarios": {
            name: _coverage(row, rows.get(name)) for name, row in run.scenario_rows().items()
        },
        "tests": [_test(t) for t in run.tests],
        # A+ to F from the conformance verdicts, None without any (docs/conformance.md).
        "grade": grade.to_dict() if (grade := graded(verdicts)) else None,
        # One verdict per check of the conformance suite (docs/conformance.md).
        "conformance": [row.to_dict() for row in verdicts],
        # The policy as measured (check --measure): promised, measured, verdict (docs/measure.md).
        "measured": [row.to_dict() for row in measured_findings(run.tests)],
        # Each scenario written once for both drivers, and how it fared with each.
        "parity": parity_document(run.tests),
        "load": run.load,
        "events_file": EVENTS_FILE,
    }


def write_results(run: RunResult, outcome: Outcome, directory: Path) -> Path:
    path = directory / "results.json"
    document = results_document(run, outcome)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path


def write_events(run: RunResult, directory: Path) -> Path:
    """Every recorded event, each tagged with the id of the test that recorded it (gzip)."""
    path = directory / EVENTS_FILE
    # mtime=0: the same events give the same bytes
    with gzip.GzipFile(path, "wb", compresslevel=6, mtime=0) as raw:
        for test in run.tests:
            lines = (json.dumps({"test": test.id, **e.to_dict()}) + "\n" for e in test.events)
            raw.write("".join(lines).encode("utf-8"))
    return path
