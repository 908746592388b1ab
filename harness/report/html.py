"""index.html: one self-contained page (inline CSS and SVG) rendered with Jinja2."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from harness.conformance.verdicts import conformance_verdicts
from harness.events import Exchange
from harness.report.model import RunResult, TestResult
from harness.report.timeline import render_timeline
from harness.report.timeline_marks import MARKS, format_offset, mark_for
from harness.story import ACCEPTANCE_CRITERIA, SCENARIO_TABLE

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}
# Exchanges shown per test at each end; a long check keeps the rest in events.ndjson.
EVIDENCE_SHOWN = 12


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
    return {
        "test": test,
        "anchor": anchor(test.id),
        "timeline": render_timeline(test.events),
        "virtual": format_offset(test.virtual_span_s),
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


def render_html(run: RunResult) -> str:
    tests = {t.id: t for t in run.tests}
    # api and browser always side by side, so a missing suite shows as not covered
    # The conformance suite maps to standards, not to the story: it has its own table.
    others = [s for s in run.suites() if s not in ("api", "browser", "conformance")]
    suites = ["api", "browser", *others]
    return (
        _environment()
        .get_template("index.html.j2")
        .render(
            run=run,
            summary=run.summary(),
            story=any(t.suite != "conformance" for t in run.tests),
            suites=suites,
            criteria=run.acceptance_criteria(),
            descriptions={**ACCEPTANCE_CRITERIA, **SCENARIO_TABLE},
            story_rows=SCENARIO_TABLE,
            scenarios=run.scenario_rows(),
            tests=tests,
            views=[_test_view(t) for t in run.tests],
            conformance=conformance_verdicts(run.tests),
            legend=_legend(),
        )
    )


def write_html(run: RunResult, directory: Path) -> Path:
    path = directory / "index.html"
    path.write_text(render_html(run), encoding="utf-8")
    return path
