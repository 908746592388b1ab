"""The trend across the last runs under the report root: pass/fail counts and duration."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from harness.report.outcome import Outcome

MAX_RUNS = 20
BAR_W, GAP, PLOT_H, TOP, BOTTOM = 14, 6, 56, 8, 16


@dataclass(frozen=True)
class TrendPoint:
    run_id: str
    outcome: str
    passed: int
    failed: int
    total: int
    wall_s: float


def _point(path: Path) -> TrendPoint | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        summary = doc["summary"]
        return TrendPoint(
            run_id=str(doc["run_id"]),
            # schema 1 had no outcome: its verdict was "no failure"
            outcome=str(summary.get("outcome", "failed" if summary["failed"] else "passed")),
            passed=int(summary["passed"]),
            failed=int(summary["failed"]),
            total=int(summary["total"]),
            wall_s=float(doc["wall_s"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a run folder being written, or not ours


def read_trend(root: Path, current: TrendPoint, limit: int = MAX_RUNS) -> list[TrendPoint]:
    """The runs before `current` under `root` (oldest first, at most `limit` in all), then it."""
    folders = sorted(p for p in root.iterdir() if p.is_dir() and p.name < current.run_id)
    points = [_point(folder / "results.json") for folder in folders[-(limit - 1) :]]
    return [*(p for p in points if p is not None), current]


def current_point(
    run_id: str, summary: dict[str, int], outcome: Outcome, wall_s: float
) -> TrendPoint:
    return TrendPoint(
        run_id, outcome.verdict, summary["passed"], summary["failed"], summary["total"], wall_s
    )


def render_trend(points: list[TrendPoint]) -> Markup:
    """Stacked bars (passed green, failed red, the rest grey) and a duration line over them."""
    width = len(points) * (BAR_W + GAP) + GAP
    height = TOP + PLOT_H + BOTTOM
    most = max((p.total for p in points), default=1) or 1
    slowest = max((p.wall_s for p in points), default=1.0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img">'
    ]
    line = []
    for index, point in enumerate(points):
        x = GAP + index * (BAR_W + GAP)
        y: float = TOP + PLOT_H
        for count, css in (
            (point.passed, "tr-pass"),
            (point.failed, "tr-fail"),
            (point.total - point.passed - point.failed, "tr-other"),
        ):
            h = PLOT_H * count / most
            y -= h
            parts.append(
                f'<rect x="{x}" y="{y:.1f}" width="{BAR_W}" height="{h:.1f}" class="{css}"/>'
            )
        title = escape(
            f"{point.run_id}: {point.outcome}, {point.passed} passed, {point.failed} failed "
            f"of {point.total}, {point.wall_s:.1f} s"
        )
        parts.append(
            f'<rect x="{x}" y="{TOP}" width="{BAR_W}" height="{PLOT_H}" class="tr-hit">'
            f"<title>{title}</title></rect>"
        )
        if point.outcome != "passed":
            parts.append(f'<circle cx="{x + BAR_W / 2}" cy="{height - 6}" r="3" class="tr-fail"/>')
        line.append(f"{x + BAR_W / 2:.1f},{TOP + PLOT_H * (1 - point.wall_s / slowest):.1f}")
    parts.append(f'<polyline points="{" ".join(line)}" class="tr-time"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
