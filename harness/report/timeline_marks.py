"""Glyphs, labels and time formatting for the timeline SVG."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from markupsafe import Markup

from harness.events import Event

_BASE_FIELDS = {"at", "wall", "source", "profile", "tab"}
_STEPS = (
    1,
    2,
    5,
    10,
    15,
    30,
    60,
    120,
    300,
    600,
    900,
    1800,
    3600,
    7200,
    10800,
    21600,
    43200,
    86400,
    172800,
    604800,
)


@dataclass(frozen=True)
class Mark:
    """How one event kind looks: a shape at the event's time on its lane."""

    label: str
    shape: str  # "circle", "ring", "down", "up", "diamond", "square", "cross", "tick", "flag"
    css: str
    dy: float = 0.0  # vertical offset from the lane's centre line

    def draw(self, x: float, y: float, title: str) -> Markup:
        y += self.dy
        tip = f"<title>{title}</title>"
        shapes = {
            "circle": f'<circle cx="{x:.1f}" cy="{y}" r="4.5" class="{self.css}">{tip}</circle>',
            "ring": f'<circle cx="{x:.1f}" cy="{y}" r="3" class="{self.css} ring">{tip}</circle>',
            "down": f'<path d="M{x - 5:.1f},{y - 5} h10 l-5,9 z" class="{self.css}">{tip}</path>',
            "up": f'<path d="M{x - 4:.1f},{y + 4} h8 l-4,-8 z" class="{self.css}">{tip}</path>',
            "diamond": f'<path d="M{x:.1f},{y - 6} l6,6 l-6,6 l-6,-6 z" '
            f'class="{self.css}">{tip}</path>',
            "square": f'<rect x="{x - 5:.1f}" y="{y - 5}" width="10" height="10" '
            f'class="{self.css}">{tip}</rect>',
            "cross": f'<path d="M{x - 5:.1f},{y - 5} l10,10 m0,-10 l-10,10" '
            f'class="{self.css} stroke">{tip}</path>',
            "tick": f'<line x1="{x:.1f}" y1="{y - 3}" x2="{x:.1f}" y2="{y + 3}" '
            f'class="{self.css} stroke">{tip}</line>',
            "flag": f'<path d="M{x:.1f},{y + 9} v-20 h9 l-3,4 l3,4 h-9" '
            f'class="{self.css}">{tip}</path>',
        }
        return Markup(shapes[self.shape])


MARKS: dict[str, Mark] = {
    "request": Mark("request", "tick", "m-request", dy=12),
    "logged_in": Mark("signed in", "circle", "m-login"),
    "refresh_started": Mark("refresh started", "ring", "m-refresh", dy=-11),
    "refresh_succeeded": Mark("refresh succeeded", "circle", "m-refresh"),
    "token_adopted": Mark("token adopted from another tab", "ring", "m-adopt"),
    "rotation": Mark("refresh token rotated", "tick", "m-rotation", dy=-11),
    "refresh_retry": Mark("refresh retry", "up", "m-warn"),
    "network_error": Mark("network error", "up", "m-warn", dy=11),
    "refresh_failed": Mark("refresh failed (fatal: red)", "cross", "m-fail"),
    "unauthorized": Mark("401 on a request", "down", "m-401"),
    "redirect_to_login": Mark("redirect to login", "flag", "m-redirect"),
    "warning_shown": Mark("expiry warning shown", "diamond", "m-warning"),
    "warning_dismissed": Mark("warning dismissed", "diamond", "m-dismiss"),
    "banner_shown": Mark("error banner", "square", "m-warn"),
    "idle_logout": Mark("idle logout", "square", "m-idle"),
    "logged_out": Mark("logged out", "square", "m-logout"),
    "console_error": Mark("console error", "cross", "m-console"),
    "artifact": Mark("screenshot / trace", "square", "m-artifact", dy=-11),
}


def describe(event: Event) -> str:
    """The event's kind and its own fields, e.g. `unauthorized path=/api/chat error=…`."""
    fields = {f.name: getattr(event, f.name) for f in dataclasses.fields(event)}
    details = " ".join(f"{k}={v}" for k, v in fields.items() if k not in _BASE_FIELDS)
    kind = event.kind
    if kind == "refresh_failed" and not getattr(event, "fatal", True):
        kind = "refresh_failed (non-fatal)"
    return f"{kind} {details}".strip()


def mark_for(event: Event) -> Mark | None:
    mark = MARKS.get(event.kind)
    if mark is not None and event.kind == "refresh_failed" and not getattr(event, "fatal", True):
        return dataclasses.replace(mark, css="m-warn")
    return mark


def format_offset(seconds: float, *, units: int = 4) -> str:
    """`0`, `45s`, `5m`, `1h30m`, `2d4h`: compact offsets, at most `units` units (truncated)."""
    seconds = round(seconds)
    if seconds == 0:
        return "0"
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = list(zip((days, hours, minutes, secs), "dhms", strict=True))
    while parts and parts[0][0] == 0:
        parts.pop(0)
    text = "".join(f"{value}{unit}" for value, unit in parts[:units] if value)
    return ("-" if seconds < 0 else "") + text


def nice_step(span_s: float, max_ticks: int = 10) -> float:
    return float(next((s for s in _STEPS if span_s / s <= max_ticks), _STEPS[-1]))
