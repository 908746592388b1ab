from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from harness.events import (
    ClockAdvanced,
    Event,
    LoggedIn,
    RedirectToLogin,
    RefreshSucceeded,
    RequestSent,
    TokenAdopted,
    Unauthorized,
)
from harness.report.timeline import render_timeline
from harness.report.timeline_marks import format_offset, nice_step
from harness.report.timeline_scale import build_scale

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def login(minutes: float, tab: str = "tab1", ttl: float = 30) -> LoggedIn:
    return LoggedIn(
        at=at(minutes),
        wall=0.0,
        profile="alice",
        tab=tab,
        access_expires_at=at(minutes + ttl),
        session_expires_at=at(minutes + 10_000),
    )


def test_format_offset_is_compact_and_truncates_to_units() -> None:
    assert format_offset(0) == "0"
    assert format_offset(45) == "45s"
    assert format_offset(5400) == "1h30m"
    assert format_offset(8 * 86400 + 3600 + 61) == "8d1h1m1s"
    assert format_offset(8 * 86400 + 3600 + 61, units=2) == "8d1h"
    assert format_offset(-90) == "-1m30s"


def test_nice_step_keeps_ticks_at_most_ten() -> None:
    assert nice_step(3600) == 600
    assert nice_step(7 * 86400) == 86400
    assert 7 * 86400 / nice_step(7 * 86400) <= 10


def test_scale_without_quiet_stretch_is_linear() -> None:
    scale = build_scale([(at(m), at(m)) for m in range(0, 61, 5)], 100, 800)
    assert scale.gaps() == []
    assert scale.x(at(30)) == 500


def test_scale_cuts_a_long_quiet_stretch_and_keeps_both_ends_readable() -> None:
    week = 7 * 24 * 60
    scale = build_scale([(at(0), at(30)), (at(week), at(week))], 100, 800)
    [gap] = scale.gaps()
    assert gap.t1 - gap.t0 > 6 * 86400
    # the 30 minutes before the gap get far more than the 1/336 of the width a linear axis gives
    assert scale.x(at(30)) - scale.x(at(0)) > 300
    assert scale.x(at(week)) > scale.x(at(30)) + 40


def test_timeline_draws_a_lane_per_tab_and_a_bar_per_token() -> None:
    events: list[Event] = [
        login(0),
        TokenAdopted(at=at(1), wall=0.0, profile="alice", tab="tab2", access_expires_at=at(30)),
        RefreshSucceeded(
            at=at(26), wall=0.0, profile="alice", tab="tab1", access_expires_at=at(56)
        ),
        Unauthorized(
            at=at(40),
            wall=0.0,
            profile="alice",
            tab="tab2",
            path="/api/chat",
            error="token_expired",
        ),
    ]
    svg = str(render_timeline(events))
    assert ">alice · tab1</text>" in svg and ">alice · tab2</text>" in svg
    assert len(re.findall(r'class="tl-bar"', svg)) == 2
    assert len(re.findall(r'class="tl-bar adopted"', svg)) == 1
    assert "unauthorized path=/api/chat error=token_expired" in svg


def test_timeline_ends_a_token_bar_at_the_redirect() -> None:
    events: list[Event] = [
        login(0),
        RedirectToLogin(at=at(10), wall=0.0, profile="alice", tab="tab1", reason="x", message="m"),
        *(
            RequestSent(at=at(m), wall=0.0, profile="bob", tab="tab1", method="GET", path="/")
            for m in range(0, 31, 5)
        ),
    ]
    svg = str(render_timeline(events))
    [width] = [float(w) for w in re.findall(r'width="([\d.]+)" height="12"', svg)]
    # 10 of the 30 minutes of the token: a third of the plot, not the whole of it
    assert 250 < width < 330


def test_timeline_escapes_names_and_marks_large_clock_jumps() -> None:
    events: list[Event] = [
        LoggedIn(
            at=at(0),
            wall=0.0,
            profile="<script>",
            tab="t",
            access_expires_at=at(30),
            session_expires_at=at(999),
        ),
        ClockAdvanced(at=at(60 * 24), wall=0.0, source="clock", seconds=86400, mode="fast_forward"),
    ]
    svg = str(render_timeline(events))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'class="tl-jump"' in svg and "clock fast_forward +1d" in svg


def test_timeline_without_events_is_none() -> None:
    assert render_timeline([]) is None


def test_timeline_of_a_week_of_requests_stays_small() -> None:
    events: list[Event] = [login(0)]
    for minute in range(7 * 24 * 60):
        events.append(
            RequestSent(
                at=at(minute),
                wall=0.0,
                profile="alice",
                tab="tab1",
                method="GET",
                path="/api/auth/session",
            )
        )
        if minute % 25 == 24:
            events.append(
                RefreshSucceeded(
                    at=at(minute),
                    wall=0.0,
                    profile="alice",
                    tab="tab1",
                    access_expires_at=at(minute + 30),
                )
            )
    svg = str(render_timeline(events))
    # one glyph per kind and pixel column: far fewer than 10,080 request ticks
    assert svg.count('class="m-request stroke"') < 1000
    assert len(svg) < 600_000
