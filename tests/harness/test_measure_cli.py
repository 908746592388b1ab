"""`session-harness check --measure`: bad combinations exit 2 in one line; without a clock
the measurement says what it could and could not do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.measure.finding import MATCHES, NOT_MEASURED, Finding, judged, policy_values
from harness.measure.measuring import real_time_estimate
from harness.target.model import Policy
from tests.harness.test_conformance_runner import flawed, one_line_error


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--write-policy"], "--write-policy writes what --measure finds: add --measure"),
        (["--measure", "-k", "idle"], "--measure runs the measurement, not the checks: drop -k"),
        (["--measure", "--write-policy"], "'reference-app' is a bundled profile"),
    ],
)
def test_an_option_combination_that_cannot_work_exits_2_in_one_line(
    extra: list[str], says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["check", "--target", "reference-app", "--report-dir", str(tmp_path), *extra]
    assert main(args) == 2
    assert says in one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []  # refused before anything ran


def test_a_real_time_measurement_past_the_bound_is_refused_with_its_estimate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = flawed(tmp_path, "", ("[server]", '[clock]\nmode = "real"\n\n[server]'))
    before = profile.read_text(encoding="utf-8")
    args = ["check", "--target", str(profile), "--measure", "--write-policy"]
    assert main([*args, "--report-dir", str(tmp_path / "r")]) == 2
    assert "would wait about 4,770 s, more than 600 s" in one_line_error(capsys)
    assert profile.read_text(encoding="utf-8") == before


def test_without_a_clock_only_what_needs_no_time_is_measured(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["check", "--target", str(flawed(tmp_path)), "--measure"]
    assert main([*args, "--report-dir", str(tmp_path / "r")]) == 0
    doc = json.loads((tmp_path / "r" / "latest" / "results.json").read_text())
    rows = {row["what"]: row for row in doc["measured"]}
    assert rows["rotation"]["verdict"] == MATCHES
    assert rows["grace window"]["measured"].endswith("at once the parent gets the same child")
    timed = ("access TTL (login)", "idle timeout", "absolute lifetime", "grace window")
    assert all(rows[what]["verdict"] == NOT_MEASURED for what in timed)
    assert "needs a clock that moves" in rows["idle timeout"]["measured"]
    out = capsys.readouterr().out
    assert "measuring without a clock" in out and "Session policy: flawed-app" in out


def test_a_number_within_the_resolution_of_the_promise_matches() -> None:
    policy = Policy(grace_seconds=10, rotation=True)
    assert judged("grace", policy, "grace_seconds", 10.0, "10 s").verdict == MATCHES
    assert judged("grace", policy, "grace_seconds", 12.0, "12 s").verdict == "differs"
    assert judged("rotation", policy, "rotation", False, "no").verdict == "differs"
    assert judged("idle", policy, "idle_timeout_seconds", 60.0, "60 s").verdict == "measured"


def test_the_policy_written_takes_each_key_once_and_nothing_unmeasured() -> None:
    rows = [
        Finding("access TTL (login)", "-", "300 s", "measured", "access_ttl_seconds", 300.0),
        Finding("access TTL (refresh)", "-", "301 s", "measured", "access_ttl_seconds", 301.0),
        Finding("grace window", "-", "no clock", NOT_MEASURED, "grace_seconds", None),
    ]
    assert policy_values(rows) == {"access_ttl_seconds": 300.0}
    assert Finding.from_json(rows[0].to_json()) == rows[0]


def test_the_real_time_estimate_needs_the_promise_to_bound_every_wait() -> None:
    bounded = Policy(access_ttl_seconds=2, refresh_ttl_seconds=10, refresh_expiry="fixed")
    assert real_time_estimate(bounded) == 2 * 2 * 2 + 3 * 10 + 10
    assert real_time_estimate(Policy(access_ttl_seconds=2, refresh_ttl_seconds=10)) is None
    assert real_time_estimate(Policy(refresh_ttl_seconds=10, absolute_seconds=20)) is None


def test_an_app_that_does_not_rotate_as_promised_differs_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["check", "--target", str(flawed(tmp_path, "no_rotation")), "--measure"]
    assert main([*args, "--report-dir", str(tmp_path / "r")]) == 1
    doc = json.loads((tmp_path / "r" / "latest" / "results.json").read_text())
    rows = {row["what"]: row for row in doc["measured"]}
    assert (rows["rotation"]["promised"], rows["rotation"]["verdict"]) == ("yes", "differs")
    assert rows["rotation"]["measured"] == "the same refresh token"
    (check,) = doc["conformance"]
    assert check["verdict"] == "fail" and "rotation: promised yes" in check["reason"]
    assert "1 differs" in " ".join(capsys.readouterr().out.split())
