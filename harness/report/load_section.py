"""The report's load section: figures (name → value) and an optional series chart.

`run.load` is a dict: every key but `series` is a figure; `series`, when present, maps a
line's name to its `[x, y]` points (e.g. seconds into the storm → requests per second),
each drawn on its own axes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

SERIES = "series"
WIDTH, HEIGHT, PAD = 360, 170, 44
COLOURS = ("#0969da", "#cf222e", "#1a7f37", "#8250df", "#9a6700")


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def figures(load: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(str(name), _format(value)) for name, value in load.items() if name != SERIES]


def _points(raw: Any) -> list[tuple[float, float]]:
    if not isinstance(raw, Sequence):
        return []
    points = []
    for pair in raw:
        try:
            points.append((float(pair[0]), float(pair[1])))
        except (TypeError, ValueError, IndexError):
            continue
    return points


def _chart(name: str, points: list[tuple[float, float]], colour: str) -> Markup:
    """One series on its own axes (from 0 to its largest x and y)."""
    x_max = max(max(x for x, _ in points), 1e-9)
    y_max = max(max(y for _, y in points), 1e-9)
    plot_w, plot_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    coords = " ".join(
        f"{PAD + plot_w * x / x_max:.1f},{HEIGHT - PAD - plot_h * y / y_max:.1f}" for x, y in points
    )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="load-chart" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img">'
        f'<text x="{PAD}" y="16" fill="{colour}" font-weight="600">{escape(name)}</text>'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'class="tl-lane"/>'
        f'<text x="{PAD}" y="{HEIGHT - 12}" class="tl-tick">{_format(0)}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 12}" class="tl-tick">{_format(x_max)}</text>'
        f'<text x="{PAD - 4}" y="{PAD + 4}" class="tl-label">{_format(y_max)}</text>'
        f'<text x="{PAD - 4}" y="{HEIGHT - PAD + 4}" class="tl-label">0</text>'
        f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="1.8"/>'
        "</svg>"
    )


def charts(load: Mapping[str, Any]) -> list[Markup]:
    """One small chart per series; none without usable series."""
    raw = load.get(SERIES)
    if not isinstance(raw, Mapping):
        return []
    series = {str(name): pts for name, values in raw.items() if (pts := _points(values))}
    return [
        _chart(name, pts, COLOURS[index % len(COLOURS)])
        for index, (name, pts) in enumerate(series.items())
    ]
