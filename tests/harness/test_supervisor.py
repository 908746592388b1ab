from __future__ import annotations

import json
from pathlib import Path

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
