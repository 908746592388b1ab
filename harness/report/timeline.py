"""A test's session events drawn over virtual time: one SVG lane per profile/tab."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape

from harness.events import (
    ClockAdvanced,
    Event,
    IdleLogout,
    LoggedIn,
    LoggedOut,
    RedirectToLogin,
    RefreshSucceeded,
    TokenAdopted,
)
from harness.report.timeline_marks import Mark, describe, format_offset, mark_for
from harness.report.timeline_scale import Scale, build_scale

WIDTH, GUTTER, RIGHT, AXIS_H, LANE_H = 1080, 170, 24, 34, 34
PLOT_W = WIDTH - GUTTER - RIGHT
TOKEN_EVENTS = (LoggedIn, RefreshSucceeded, TokenAdopted)
ENDING_EVENTS = (RedirectToLogin, IdleLogout, LoggedOut)
NUDGE_PX = 10.0  # glyphs of one instant are spread out left to right, in the order they happened
MAX_JUMP_LABELS = 30
DENSE_SPACING_PX = 12.0

Lane = tuple[str, str]


@dataclass(frozen=True)
class Bar:
    """One access token of one lane, from issue to expiry or to the token that replaced it."""

    start: datetime
    end: datetime
    expires: datetime
    adopted: bool
    replaced: bool


def _lanes(events: Sequence[Event]) -> dict[Lane, list[Event]]:
    lanes: dict[Lane, list[Event]] = {}
    for event in events:
        if event.profile or event.tab:
            lanes.setdefault((event.profile, event.tab), []).append(event)
    return lanes


def _bars(lane: Sequence[Event]) -> list[Bar]:
    bars: list[Bar] = []
    cut: datetime | None = None  # the next token or sign-out after the current event
    for event in reversed(lane):
        if isinstance(event, TOKEN_EVENTS) and event.access_expires_at is not None:
            expires = event.access_expires_at
            end = expires if cut is None else min(expires, cut)
            bars.append(
                Bar(
                    event.at,
                    end,
                    expires,
                    isinstance(event, TokenAdopted),
                    replaced=cut is not None and cut < expires,
                )
            )
        if isinstance(event, TOKEN_EVENTS + ENDING_EVENTS):
            cut = event.at
    return bars[::-1]


def _axis(scale: Scale, height: float) -> list[str]:
    parts = [
        f'<text x="{GUTTER}" y="12" class="tl-start">{escape(scale.start.isoformat())}'
        f" (virtual)</text>"
    ]
    for x, tick in scale.ticks():
        parts.append(
            f'<line x1="{x:.1f}" y1="{AXIS_H - 6}" x2="{x:.1f}" y2="{height}" class="tl-grid"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{AXIS_H - 9}" class="tl-tick">'
            f"{format_offset(tick, units=3)}</text>"
        )
    for gap in scale.gaps():
        length = format_offset(gap.t1 - gap.t0, units=2)
        title = escape(f"axis cut: {format_offset(gap.t1 - gap.t0)} without events")
        parts.append(
            f'<rect x="{gap.x0 + 3:.1f}" y="{AXIS_H - 4}" '
            f'width="{gap.x1 - gap.x0 - 6:.1f}" height="{height - AXIS_H + 4}" '
            f'class="tl-gap"><title>{title}</title></rect>'
        )
        parts.append(
            f'<text x="{(gap.x0 + gap.x1) / 2:.1f}" y="{AXIS_H + 10}" '
            f'class="tl-tick tl-gap-label">{length}</text>'
        )
    return parts


def _draw_bars(bars: Sequence[Bar], scale: Scale, y: float) -> list[str]:
    parts = []
    for bar in bars:
        x1, x2 = scale.x(bar.start), scale.x(bar.end)
        if bar.replaced and x2 - x1 > 6:
            x2 -= 1.5  # a hairline between a token and the one that replaced it
        css = "tl-bar adopted" if bar.adopted else "tl-bar"
        title = (
            f"access token from {format_offset(scale.offset(bar.start))}, expires at "
            f"{format_offset(scale.offset(bar.expires))}"
        )
        parts.append(
            f'<rect x="{x1:.1f}" y="{y - 6}" width="{max(x2 - x1, 1.5):.1f}" height="12"'
            f' rx="3" class="{css}"><title>{escape(title)}</title></rect>'
        )
    return parts


def _marks(lane: Sequence[Event], scale: Scale, y: float) -> list[str]:
    """One glyph per event kind and pixel column (repeats counted in its tooltip)."""
    glyphs: dict[tuple[str, int], tuple[Mark, list[Event]]] = {}
    placed: dict[tuple[str, int], float] = {}
    last: tuple[datetime, float] | None = None
    for event in lane:
        mark = mark_for(event)
        if mark is None:
            continue
        x = scale.x(event.at)
        key = (event.kind, round(x))
        if key in glyphs:
            glyphs[key][1].append(event)
            continue
        if mark.dy == 0 and last is not None and last[0] == event.at:
            x = last[1] + NUDGE_PX
        if mark.dy == 0:
            last = (event.at, x)
        glyphs[key], placed[key] = (mark, [event]), x
    per_kind = Counter(kind for kind, _ in glyphs)
    parts: list[str] = []
    for key, (mark, group) in glyphs.items():
        if per_kind[key[0]] > PLOT_W / DENSE_SPACING_PX:
            mark = dataclasses.replace(mark, shape="tick")  # too many to draw full glyphs
        first = group[0]
        more = f" ({len(group)} times)" if len(group) > 1 else ""
        title = f"{format_offset(scale.offset(first.at))} {describe(first)}{more}"
        parts.append(mark.draw(placed[key], y, escape(title)))
    return parts


def _clock_jumps(events: Sequence[Event], scale: Scale, height: float) -> list[str]:
    """Jumps large enough to see (≥ 2 % of the span); small steps would only add noise."""
    jumps = [
        e
        for e in events
        if isinstance(e, ClockAdvanced)
        and (e.mode == "fast_forward" or e.seconds >= 0.02 * scale.span_s)
    ]
    parts = []
    for event in jumps:
        x = scale.x(event.at)
        title = escape(f"clock {event.mode} +{format_offset(event.seconds)}")
        parts.append(
            f'<line x1="{x:.1f}" y1="{AXIS_H}" x2="{x:.1f}" y2="{height}" '
            f'class="tl-jump"><title>{title}</title></line>'
        )
        if len(jumps) <= MAX_JUMP_LABELS:
            parts.append(
                f'<text x="{x - 3:.1f}" y="{height - 3}" class="tl-jump-label">'
                f"+{format_offset(event.seconds, units=2)}</text>"
            )
    return parts


def render_timeline(events: Sequence[Event]) -> Markup | None:
    """The SVG for one test, or None when it recorded no events."""
    if not events:
        return None
    events = sorted(events, key=lambda e: e.at)
    lanes = _lanes(events)
    bars = {key: _bars(lane) for key, lane in lanes.items()}
    spans = [(e.at, e.at) for e in events] + [(b.start, b.end) for bs in bars.values() for b in bs]
    scale = build_scale(spans, GUTTER, PLOT_W)
    height = AXIS_H + 14 + LANE_H * max(len(lanes), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {WIDTH} '
        f'{height}" width="{WIDTH}" height="{height}" role="img">'
    ]
    parts += _axis(scale, height)
    parts += _clock_jumps(events, scale, height)
    for index, ((profile, tab), lane) in enumerate(lanes.items()):
        y = AXIS_H + 14 + LANE_H * index + LANE_H / 2
        label = f"{profile} · {tab}" if profile and tab else (profile or tab)
        parts.append(
            f'<line x1="{GUTTER}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" class="tl-lane"/>'
        )
        parts.append(f'<text x="{GUTTER - 8}" y="{y + 4}" class="tl-label">{escape(label)}</text>')
        parts += _draw_bars(bars[(profile, tab)], scale, y)
        parts += _marks(lane, scale, y)
    if not lanes:
        parts.append(
            f'<text x="{GUTTER}" y="{AXIS_H + 30}" class="tl-label-left">'
            "no profile or tab events</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
