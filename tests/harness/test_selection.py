from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.cli import main

INI = "[pytest]\naddopts = -p no:cacheprovider\nasyncio_default_fixture_loop_scope = function\n"
SCENARIOS = """
import pytest

@pytest.mark.ac("AC1")
def test_active(recorder):
    pass

@pytest.mark.ac("AC4", "AC1")
def test_expired(recorder):
    pass

@pytest.mark.ac("AC6")
def test_idle(recorder):
    pass
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(INI)
    folder = pytester.path / "scenarios" / "api"
    folder.mkdir(parents=True)
    (folder / "test_story.py").write_text(SCENARIOS)
    return pytester


def ran(base: Path, report: str = "out") -> list[str]:
    doc = json.loads((base / report / "latest" / "results.json").read_text())
    return sorted(t["id"].rsplit("::", 1)[-1] for t in doc["tests"])


@pytest.mark.parametrize(
    "args",
    [
        ["--ac", "AC1"],
        ["-m", "AC1"],
        ["-m", "ac1"],
        ["-k", "AC1"],
        ["--ac", "AC4,AC6", "--ac", "AC1"],
    ],
)
def test_plugin_selects_tests_by_criterion(project: pytest.Pytester, args: list[str]) -> None:
    result = project.runpytest(*args, "--harness-report", "out")
    expected = ["test_active", "test_expired"] + (["test_idle"] if "AC4,AC6" in args else [])
    assert result.ret == 0
    assert ran(project.path) == expected


def test_marker_expressions_combine_criteria(project: pytest.Pytester) -> None:
    project.runpytest("-m", "AC1 and not AC4", "--harness-report", "out")
    assert ran(project.path) == ["test_active"]


def test_run_selects_by_criterion_and_marker(project: pytest.Pytester) -> None:
    assert main(["run", "--ac", "AC6", "--report-dir", "out"]) == 0
    assert ran(project.path) == ["test_idle"]
    assert main(["run", "-m", "AC4", "--report-dir", "again"]) == 0
    assert ran(project.path, "again") == ["test_expired"]


def test_run_passes_options_after_double_dash_to_pytest(project: pytest.Pytester) -> None:
    failing = project.path / "scenarios" / "api" / "test_a_fails.py"
    failing.write_text("def test_fails(recorder):\n    assert False\n")
    assert main(["run", "--report-dir", "out", "--", "-x"]) == 1
    assert ran(project.path) == ["test_fails"]  # -x stopped the run at the first failure


def test_only_run_accepts_options_after_double_dash(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["init", "somewhere", "--", "-x"]) == 2
    assert "only `run` passes options after `--`" in capsys.readouterr().err


def test_run_honours_junitxml(project: pytest.Pytester) -> None:
    assert main(["run", "--report-dir", "out", "--junitxml", "ci/junit.xml"]) == 0
    root = ET.parse(project.path / "ci" / "junit.xml").getroot()
    assert len(list(root.iter("testcase"))) == 3
    assert not (project.path / "out" / "latest" / "junit.xml").exists()


RECORDING = """
from datetime import UTC, datetime, timedelta

from harness.events import LoggedIn

def test_records(recorder):
    at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    recorder.emit(LoggedIn(at=at, wall=0.0, profile="alice", tab="tab1",
                           access_expires_at=at + timedelta(minutes=30),
                           session_expires_at=at + timedelta(days=30)))
"""


def test_parallel_workers_report_every_test_and_event_in_one_report(
    project: pytest.Pytester,
) -> None:
    (project.path / "scenarios" / "api" / "test_records.py").write_text(RECORDING)
    assert main(["run", "--report-dir", "out", "-n", "2"]) == 0
    report = project.path / "out" / "latest"
    doc = json.loads((report / "results.json").read_text())
    assert doc["summary"]["total"] == 4 and doc["summary"]["passed"] == 4
    assert doc["acceptance_criteria"]["AC1"]["status"] == "passed"
    [recording] = [t for t in doc["tests"] if t["id"].endswith("test_records")]
    assert recording["event_count"] == 1
    assert recording["virtual_start"] == "2026-01-05T09:00:00+00:00"
    assert "alice · tab1" in (report / "index.html").read_text()  # its timeline


TOP_LEVEL = """
import pytest

def test_plain(recorder):
    pass

@pytest.mark.suite("load")
def test_marked_load(recorder):
    pass
"""


def test_scenarios_at_top_level_run_with_suite_from_marker_else_api(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(INI)
    (pytester.path / "test_top.py").write_text(TOP_LEVEL)
    assert main(["run", "--scenarios", ".", "--report-dir", "out"]) == 0
    doc = json.loads((pytester.path / "out" / "latest" / "results.json").read_text())
    assert {t["id"].rsplit("::", 1)[-1]: t["suite"] for t in doc["tests"]} == {
        "test_plain": "api",
        "test_marked_load": "load",
    }
    assert main(["run", "--scenarios", ".", "--suite", "load", "--report-dir", "load"]) == 0
    assert ran(pytester.path, "load") == ["test_marked_load"]


def test_folder_named_after_a_suite_anywhere_in_the_path_gives_the_suite(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(INI)
    folder = pytester.path / "checks" / "browser" / "login"
    folder.mkdir(parents=True)
    (folder / "test_page.py").write_text("def test_page(recorder):\n    pass\n")
    assert main(["run", "--scenarios", "checks", "--suite", "browser", "--report-dir", "o"]) == 0
    assert ran(pytester.path, "o") == ["test_page"]


def test_unknown_suite_marker_is_a_usage_error(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    pytester.makeini(INI)
    marked = '@__import__("pytest").mark.suite("nightly")\ndef test_x(recorder):\n    pass\n'
    (pytester.path / "test_nightly.py").write_text(marked)
    assert main(["run", "--scenarios", ".", "--report-dir", "out"]) == 2
    assert "suite('nightly'): choose from api, browser, load" in capsys.readouterr().err
