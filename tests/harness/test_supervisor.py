from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psutil
import pytest

from harness.cli import main
from harness.exit_codes import ExitCode
from harness.report.journal import Journal, say_farewell
from harness.runner import RunOptions
from harness.supervisor import options_from_json, options_to_json, trustworthy


def write_journal(path: Path, *entries: dict[str, object], tail: str = "") -> Journal:
    path.write_text("".join(json.dumps(e) + "\n" for e in entries) + tail)
    return Journal.read(path)


def test_a_journal_line_cut_short_by_the_process_end_is_left_out(tmp_path: Path) -> None:
    journal = write_journal(
        tmp_path / "j",
        {"event": "collected", "nodeids": ["a", "b"]},
        {"event": "started", "nodeid": "a"},
        tail='{"event": "finished", "nodeid": "a", "su',
    )
    assert journal.collected == ["a", "b"] and journal.unfinished == ["a"]
    assert journal.incomplete and journal.farewell is None


def test_a_child_is_trusted_only_when_its_farewell_matches_its_exit_status(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j"
    finished = {"event": "finished", "nodeid": "a", "suite": "api", "status": "passed"}
    journal = write_journal(path, {"event": "collected", "nodeids": ["a"]}, finished)
    assert not trustworthy(journal, 0)  # no farewell: it ended without a word
    say_farewell(path, 1)
    assert trustworthy(Journal.read(path), 1) and not trustworthy(Journal.read(path), 0)


def test_a_pass_with_a_collected_test_that_never_reported_is_not_trusted(
    tmp_path: Path,
) -> None:
    journal = write_journal(
        tmp_path / "j",
        {"event": "collected", "nodeids": ["a", "b"]},
        {"event": "finished", "nodeid": "a", "suite": "api", "status": "passed"},
        {"event": "farewell", "code": 0},
    )
    assert not trustworthy(journal, 0)


def test_run_options_survive_the_trip_to_the_child() -> None:
    options = RunOptions(
        suite="api", report_dir=Path("out"), criteria=("AC1",), story=Path("s.toml"), workers="2"
    )
    assert options_from_json(options_to_json(options)) == options


HOLDS_A_PROCESS = """
import os, subprocess
from pathlib import Path

def test_dies_holding_a_process(recorder):
    held = subprocess.Popen(["sleep", "120"])
    Path("held.pid").write_text(str(held.pid))
    os._exit(0)
"""


def test_a_run_whose_process_died_leaves_no_process_of_its_own_behind(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = pytester.path / "scenarios" / "api"
    folder.mkdir(parents=True)
    (folder / "test_dies.py").write_text(HOLDS_A_PROCESS)
    assert main(["run", "--report-dir", "out"]) == ExitCode.ERROR
    held = int((pytester.path / "held.pid").read_text())
    assert not psutil.pid_exists(held) or psutil.Process(held).status() == psutil.STATUS_ZOMBIE
    assert "stopped 1 process(es) it left behind" in capsys.readouterr().out


def supervised_with(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lines: list[dict[str, object]],
    code: int,
    signal_received: int | None,
) -> dict[str, Any]:
    """`supervise` over a child that wrote `lines` and exited `code` (after the supervisor
    passed `signal_received` on); the report it left."""
    from harness import supervisor

    def child(options: RunOptions, args: list[str], path: Path, received: list[int]) -> int:
        write_journal(path, *lines)
        if signal_received is not None:
            received.append(signal_received)
        return code

    monkeypatch.setattr(supervisor, "_run_child", child)
    monkeypatch.chdir(tmp_path)
    done = supervisor.supervise(RunOptions(suite="api", report_dir=tmp_path / "reports"))
    doc: dict[str, Any] = json.loads((tmp_path / "reports" / "latest" / "results.json").read_text())
    assert done.recovered and done.exit_code == doc["summary"]["exit_code"]
    return doc


BEGIN = {"event": "begin", "at": "2026-12-08T01:00:00+00:00"}


def test_a_signal_before_pytest_took_over_still_leaves_an_interrupted_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child says goodbye with 143 but never wrote a report (SIGTERM while it started):
    the supervisor writes one, marked interrupted, and exits 143."""
    doc = supervised_with(
        tmp_path, monkeypatch, [BEGIN, {"event": "farewell", "code": 143}], 143, 15
    )
    assert doc["summary"]["outcome"] == "interrupted" and doc["summary"]["exit_code"] == 143
    assert doc["interrupted"] == "SIGTERM"
    assert "before the suite started" in doc["summary"]["reasons"][0]


def test_a_run_that_fails_while_stopping_on_sigterm_is_interrupted_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM passed on, then the child died with 1 mid-teardown: the stop was the user's."""
    lines = [
        BEGIN,
        {"event": "collected", "nodeids": ["a", "b"]},
        {"event": "started", "nodeid": "a"},
    ]
    doc = supervised_with(tmp_path, monkeypatch, lines, 1, 15)
    assert doc["summary"]["outcome"] == "interrupted" and doc["summary"]["exit_code"] == 143
    reason = doc["summary"]["reasons"][0]
    assert "exited 1 without finishing while it stopped" in reason and "0 of 2" in reason


def test_a_child_that_dies_unasked_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [BEGIN, {"event": "collected", "nodeids": ["a"]}, {"event": "started", "nodeid": "a"}]
    doc = supervised_with(tmp_path, monkeypatch, lines, -11, None)
    assert doc["summary"]["outcome"] == "error" and doc["summary"]["exit_code"] == 3
    assert "killed by SIGSEGV" in doc["summary"]["reasons"][0]
