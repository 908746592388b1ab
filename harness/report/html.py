"""index.html: one self-contained page (inline CSS and SVG) rendered with Jinja2."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from harness.drivers import DRIVERS
from harness.events import Exchange
from harness.measure.finding import measured_findings
from harness.report import load_section
from harness.report.grade import graded
from harness.report.model import FAILED, NOT_APPLICABLE, SKIPPED, RunResult, TestResult
from harness.report.outcome import Outcome
from harness.report.parity import parity_rows, parity_summary
from harness.report.timeline import render_timeline
from harness.report.timeline_marks import MARKS, format_offset, mark_for
from harness.report.trend import TrendPoint, render_trend
from harness.report.verdicts import conformance_verdicts
from harness.story import STORY_SUITES

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}
# Exchanges shown per test at each end; a long check keeps the rest in events.ndjson.
EVIDENCE_SHOWN = 12
# Failures first, then what did not run, then passes; run order within each.
DISPLAY_ORDER = {FAILED: 0, NOT_APPLICABLE: 1, SKIPPED: 2}


def anchor(test_id: str) -> str:
    return "t-" + re.sub(r"[^A-Za-z0-9]+", "-", test_id).strip("-")


def _is_image(path: str) -> bool:
    return Path(path).suffix.lower() in IMAGE_SUFFIXES


def _legend() -> list[dict[str, Any]]:
    legend = []
    for kind, mark in MARKS.items():
        legend.append({"label": mark.label, "svg": mark.draw(9, 9 - mark.dy, kind)})
    return legend


def _test_view(test: TestResult) -> dict[str, Any]:
    searchable = " ".join(
        [test.id, *test.ac, *test.scenarios, test.failure.message if test.failure else ""]
    )
    return {
        "test": test,
        "anchor": anchor(test.id),
        "timeline": render_timeline(test.events),
        "virtual": format_offset(test.virtual_span_s),
        "search": searchable.lower(),
        "artifacts": [
            {"label": a.label, "path": a.path, "image": _is_image(a.path)} for a in test.artifacts
        ],
        **_evidence(test),
    }


def _evidence(test: TestResult) -> dict[str, Any]:
    """A conformance check's requests and answers: the first and last ones when there are many."""
    exchanges = [e for e in test.events if isinstance(e, Exchange)]
    if len(exchanges) <= 2 * EVIDENCE_SHOWN:
        return {"exchanges": exchanges, "exchanges_left_out": 0, "exchanges_tail": []}
    return {
        "exchanges": exchanges[:EVIDENCE_SHOWN],
        "exchanges_left_out": len(exchanges) - 2 * EVIDENCE_SHOWN,
        "exchanges_tail": exchanges[-EVIDENCE_SHOWN:],
    }


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("harness", "report/templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["offset"] = format_offset
    env.filters["anchor"] = anchor
    env.globals["mark_for"] = mark_for
    return env


def render_html(run: RunResult, outcome: Outcome, trend: list[TrendPoint] | None = None) -> str:
    story = run.story
    ordered = sorted(run.tests, key=lambda t: DISPLAY_ORDER.get(t.status, 3))
    parity = parity_rows(run.tests)
    conformance = conformance_verdicts(run.tests)
    return (
        _environment()
        .get_template("index.html.j2")
        .render(
            run=run,
            outcome=outcome,
            summary=run.summary(),
            # The conformance suite maps to standards, not to the story: it has its own table.
            suites=STORY_SUITES,
            story_ran=any(t.suite != "conformance" for t in run.tests),
            criteria=run.acceptance_criteria(),
            descriptions={**story.criterion_texts, **story.row_expectations},
            story=story,
            story_rows=story.row_expectations,
            scenarios=run.scenario_rows(),
            tests={t.id: t for t in run.tests},
            views=[_test_view(t) for t in ordered],
            conformance=conformance,
            grade=graded(conformance),
            measured=measured_findings(run.tests),
            parity=parity,
            parity_summary=parity_summary(parity),
            drivers=DRIVERS,
            legend=_legend(),
            trend=render_trend(trend) if trend and len(trend) > 1 else None,
            load_figures=load_section.figures(run.load) if run.load else [],
            load_charts=load_section.charts(run.load) if run.load else [],
        )
    )


def write_html(
    run: RunResult, outcome: Outcome, directory: Path, trend: list[TrendPoint] | None = None
) -> Path:
    path = directory / "index.html"
    path.write_text(render_html(run, outcome, trend), encoding="utf-8")
    return path
