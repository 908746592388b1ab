"""A broken time axis: long stretches with no events shrink to a fixed width.

A test that signs in, jumps 8 days and then acts would otherwise squeeze all its events
into the two ends of the picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from harness.report.timeline_marks import nice_step

GAP_FRACTION = 0.2  # a quiet stretch longer than this share of the span is cut out
GAP_MIN_S = 600.0
GAP_WIDTH = 44.0
MIN_SHARE = 0.15
TICK_SPACING_PX = 80.0


@dataclass(frozen=True)
class Segment:
    t0: float  # seconds since the scale's start
    t1: float
    x0: float
    x1: float
    gap: bool

    def x(self, t: float) -> float:
        if self.t1 <= self.t0:
            return self.x0
        return self.x0 + (self.x1 - self.x0) * (t - self.t0) / (self.t1 - self.t0)


class Scale:
    def __init__(self, start: datetime, segments: Sequence[Segment]) -> None:
        self.start = start
        self.segments = list(segments)
        self.span_s = self.segments[-1].t1

    def offset(self, at: datetime) -> float:
        return (at - self.start).total_seconds()

    def x(self, at: datetime) -> float:
        t = min(max(self.offset(at), 0.0), self.span_s)
        segment = next((s for s in self.segments if t <= s.t1), self.segments[-1])
        return segment.x(t)

    def gaps(self) -> list[Segment]:
        return [s for s in self.segments if s.gap]

    def ticks(self) -> list[tuple[float, float]]:
        """(x, offset seconds) of the axis ticks, placed inside the drawn (non-gap) stretches."""
        ticks = []
        for seg in self.segments:
            if seg.gap:
                continue
            room = max(int((seg.x1 - seg.x0) / TICK_SPACING_PX), 1)
            step = nice_step(max(seg.t1 - seg.t0, 1.0), room)
            tick = -(-seg.t0 // step) * step  # first multiple of step at or after t0
            while tick <= seg.t1 + 1e-9:
                ticks.append((seg.x(tick), tick))
                tick += step
        return ticks


def _clusters(spans: Sequence[tuple[float, float]], span: float) -> list[tuple[float, float]]:
    """Merge busy intervals (events, token bars) separated by less than the gap threshold."""
    threshold = max(GAP_FRACTION * span, GAP_MIN_S)
    ordered = sorted(spans)
    clusters = [ordered[0]]
    for start, end in ordered[1:]:
        first, last = clusters[-1]
        if start - last > threshold:
            clusters.append((start, end))
        else:
            clusters[-1] = (first, max(last, end))
    return clusters


def build_scale(spans: Sequence[tuple[datetime, datetime]], x0: float, width: float) -> Scale:
    """An axis over busy intervals (an event is an interval of length 0)."""
    start = min(a for a, _ in spans)
    offsets = [((a - start).total_seconds(), (b - start).total_seconds()) for a, b in spans]
    span = max(max(b for _, b in offsets), 60.0)  # one instant: show the first minute
    clusters = _clusters(offsets, span)
    if len(clusters) == 1:
        return Scale(start, [Segment(0.0, span, x0, x0 + width, gap=False)])
    # each stretch ends a little after its last event, so glyphs there stay readable
    ends = [
        min(b + max(60.0, 0.05 * (b - a)), nxt[0])
        for (a, b), nxt in zip(clusters, [*clusters[1:], (float("inf"), 0.0)], strict=True)
    ]
    stretches = [(a, end) for (a, _), end in zip(clusters, ends, strict=True)]
    total = sum(b - a for a, b in stretches)
    # no stretch narrower than MIN_SHARE of the drawn width, however short it is in time
    weights = [max(b - a, MIN_SHARE * total) for a, b in stretches]
    per_weight = (width - GAP_WIDTH * (len(stretches) - 1)) / sum(weights)
    segments, x = [], x0
    for index, ((a, b), weight) in enumerate(zip(stretches, weights, strict=True)):
        segments.append(Segment(a, b, x, x + weight * per_weight, gap=False))
        x = segments[-1].x1
        if index + 1 < len(stretches):
            segments.append(Segment(b, stretches[index + 1][0], x, x + GAP_WIDTH, gap=True))
            x += GAP_WIDTH
    return Scale(start, segments)
