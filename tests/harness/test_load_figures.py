from __future__ import annotations

from collections import Counter

import pytest

from harness.load.figures import Latency, Limits, StormFigures, gate
from harness.load.tally import Tally


def figures(counts: dict[str, int], *, p99: float = 40.0, judged: bool = True) -> StormFigures:
    tally = Tally(counts=Counter(counts), judged=judged, last_sign_in=1003.5)
    tally.refresh_answered(0, 10.0)
    tally.refresh_answered(0, 30.0)
    tally.refresh_answered(2, 5.0)
    return StormFigures.compute(
        shape="aligned",
        profiles=100,
        tabs=3,
        lifetimes=3,
        tally=tally,
        started_at=1000.0,
        login=Latency(),
        refresh={"herd": Latency(300, 0, 10.0, 20.0, p99)},
        requests=900,
    )


HEALTHY = {"signed_in": 100, "refresh_flights": 300, "renewals": 300}


def test_healthy_storm_passes_with_amplification_one() -> None:
    result = figures(HEALTHY)
    assert result.amplification == 1.0
    assert result.signed_in_within_s == 3.5
    assert gate(result, Limits()) == []


def test_false_and_missed_logouts_each_fail_the_gate_and_say_by_how_much() -> None:
    breaches = gate(figures({**HEALTHY, "false_logouts": 12, "missed_logouts": 2}), Limits())
    assert [str(b) for b in breaches] == [
        "false logouts 12 > 0 (over by 12)",
        "missed logouts 2 > 0 (over by 2)",
    ]


def test_refused_refreshes_are_logouts_not_amplification() -> None:
    counts = {**HEALTHY, "refresh_flights": 304, "refresh_refused": 4, "false_logouts": 4}
    assert figures(counts).amplification == 1.0


def test_amplification_and_p99_limits_name_the_figure_and_the_excess() -> None:
    result = figures({**HEALTHY, "refresh_flights": 900}, p99=400.0)
    assert [str(b) for b in gate(result, Limits(max_p99_ms=250))] == [
        "amplification 3 > 1.05 (over by 1.95)",
        "refresh p99 (ms) 400 > 250 (over by 150)",
    ]


@pytest.mark.parametrize(
    ("counts", "judged", "expected"),
    [
        ({**HEALTHY, "signed_in": 97}, True, "profiles never signed in 3 > 0 (over by 3)"),
        (HEALTHY, False, "profiles left unjudged (storm cut short) 1 > 0 (over by 1)"),
    ],
)
def test_unfinished_storms_fail_the_gate(
    counts: dict[str, int], judged: bool, expected: str
) -> None:
    assert [str(b) for b in gate(figures(counts, judged=judged), Limits())] == [expected]


def test_figures_round_trip_and_carry_the_report_series() -> None:
    result = figures(HEALTHY)
    assert StormFigures.from_dict(result.to_dict()) == result
    report = result.report()
    assert report["false logouts"] == 0
    assert report["series"]["refreshes per second"] == [[0, 2], [2, 1]]
    assert report["series"]["mean refresh latency (ms)"] == [[0, 20.0], [2, 5.0]]


def test_merged_tally_adds_counts_and_keeps_the_earliest_and_latest_times() -> None:
    first = Tally(counts=Counter(signed_in=3), first_sign_in=5.0, last_sign_in=9.0, judged=True)
    second = Tally(counts=Counter(signed_in=4), first_sign_in=4.0, last_sign_in=7.0, heard=2)
    second.pending[2] = 1
    merged = Tally.merged([Tally.from_dict(first.to_dict()), Tally.from_dict(second.to_dict())])
    assert merged.counts["signed_in"] == 7
    assert (merged.first_sign_in, merged.last_sign_in) == (4.0, 9.0)
    assert merged.pending[2] == 1 and merged.heard == 0
    assert not merged.judged  # the second process has not judged its profiles yet
