"""A storm's report: `load.json` (figures, gate, the report's load slot) and `load.html`.

`load.json` carries under `"load"` the same name → value dict (plus `"series"`) that the
suites' report shows in its load section, so a storm run from a scenario and one run from
the command line print the same figures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from harness.load.figures import Breach, StormFigures

WIDTH, HEIGHT, PAD = 420, 180, 44


def write_report(
    report_dir: Path, figures: StormFigures, breaches: list[Breach], base_url: str
) -> Path:
    """Write load.json and load.html into `report_dir`; the HTML file's path."""
    document = {
        "target": base_url,
        "passed": not breaches,
        "gate": [str(b) for b in breaches],
        "load": figures.report(),
        "figures": figures.to_dict(),
    }
    (report_dir / "load.json").write_text(json.dumps(document, indent=1))
    page = report_dir / "load.html"
    page.write_text(render(figures, breaches, base_url))
    return page


def render(figures: StormFigures, breaches: list[Breach], base_url: str) -> str:
    table = figures.table()
    rows = "".join(
        f"<tr><th>{escape(name)}</th><td>{escape(str(value))}</td></tr>"
        for name, value in table.items()
    )
    verdict = (
        "<p class=pass>gate passed</p>"
        if not breaches
        else "".join(f"<p class=fail>gate failed: {escape(str(b))}</p>" for b in breaches)
    )
    charts = "".join(_chart(name, points) for name, points in figures.series.items() if points)
    return (
        "<!doctype html><meta charset=utf-8><title>storm report</title>"
        "<style>body{font:14px system-ui;margin:2em}th{text-align:left;padding-right:2em;"
        "font-weight:normal;color:#555}.pass{color:#1a7f37}.fail{color:#cf222e}"
        "svg{margin:1em 1em 0 0}</style>"
        f"<h1>{escape(figures.shape)} storm against {escape(base_url)}</h1>{verdict}"
        f"<table>{rows}</table><div>{charts}</div>"
    )


def _chart(name: str, points: list[list[float]]) -> Markup:
    """One series over the storm's seconds, on its own axes."""
    x_max = max(max(p[0] for p in points), 1.0)
    y_max = max(max(p[1] for p in points), 1e-9)
    plot_w, plot_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    coords = " ".join(
        f"{PAD + plot_w * x / x_max:.1f},{HEIGHT - PAD - plot_h * y / y_max:.1f}" for x, y in points
    )
    label: Any = escape(name)
    return Markup(
        f'<svg width="{WIDTH}" height="{HEIGHT}" role="img"><text x="{PAD}" y="16">{label}</text>'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="#999"/>'
        f'<text x="{PAD}" y="{HEIGHT - 14}">0 s</text>'
        f'<text x="{WIDTH - PAD - 30}" y="{HEIGHT - 14}">{x_max:.0f} s</text>'
        f'<text x="2" y="{PAD + 4}">{y_max:.0f}</text>'
        f'<polyline points="{coords}" fill="none" stroke="#0969da" stroke-width="1.6"/></svg>'
    )
