from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpcore  # noqa: F401  (see below)
import pytest

from harness.cli import main
from harness.runner import ConfigError, RunOptions, run
from harness.server import AppServer

# httpx imports httpcore on its first request. Imported here, it is not first imported inside
# a pytester test, whose module snapshot would drop it and leave httpx mapping the errors of
# a stale copy (a later "connection refused" would then escape `except httpx.TransportError`).

PASSING = """
import pytest

@pytest.mark.ac("AC1")
@pytest.mark.scenario("Multiple tabs open")
def test_tabs_{suite}(recorder):
    pass
"""
FAILING = """
import pytest

@pytest.mark.ac("AC4")
def test_redirect_{suite}(recorder):
    assert False, "no redirect to login"
"""


def make_scenarios(base: Path, api: str = PASSING, browser: str | None = PASSING) -> Path:
    """A scenarios folder like the project's; pytester (the caller) keeps sys.modules clean."""
    root = base / "scenarios"
    (root / "api").mkdir(parents=True)
    (root / "api" / "test_api.py").write_text(api.format(suite="api"))
    if browser is not None:
        (root / "browser").mkdir()
        (root / "browser" / "test_browser.py").write_text(browser.format(suite="browser"))
    return root


def test_run_all_passing_exits_0_and_prints_matrix_and_report_path(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    make_scenarios(pytester.path)
    code = main(["run", "--report-dir", "out"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Acceptance criteria" in out and "AC1" in out and "Multiple tabs" in out
    assert "PASSED  2 passed, 0 failed" in out
    assert "report: out/" in out and "index.html" in out
    doc = json.loads((pytester.path / "out" / "latest" / "results.json").read_text())
    assert doc["acceptance_criteria"]["AC1"]["by_suite"] == {
        "api": "passed",
        "browser": "passed",
        "load": "not_run",
    }


def test_run_with_a_failing_scenario_exits_1_and_names_it(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    make_scenarios(pytester.path, api=FAILING)
    assert main(["run", "--report-dir", "out"]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "test_redirect_api" in out and "no redirect to login" in out


def test_run_suite_api_runs_only_the_api_folder(pytester: pytest.Pytester) -> None:
    make_scenarios(pytester.path, browser=FAILING)
    assert main(["run", "--suite", "api", "--report-dir", "out"]) == 0
    doc = json.loads((pytester.path / "out" / "latest" / "results.json").read_text())
    assert [t["suite"] for t in doc["tests"]] == ["api"]


def test_run_keyword_selects_scenarios(pytester: pytest.Pytester) -> None:
    make_scenarios(pytester.path, browser=FAILING)
    assert main(["run", "-k", "tabs", "--report-dir", "out"]) == 0


def test_run_keyword_matching_nothing_exits_1_with_the_reason_in_terminal_and_json(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    make_scenarios(pytester.path)
    assert main(["run", "-k", "no_such_scenario", "--report-dir", "out"]) == 1
    assert "no test was selected (2 deselected)" in capsys.readouterr().out
    summary = json.loads((pytester.path / "out" / "latest" / "results.json").read_text())["summary"]
    assert summary["outcome"] == "failed" and summary["exit_code"] == 1
    assert summary["reasons"][0].startswith("no test was selected")


def test_run_bad_suite_exits_2_with_usage_message(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--suite", "nightly"]) == 2
    assert "invalid choice: 'nightly'" in capsys.readouterr().err


def test_run_without_scenarios_dir_exits_2_with_one_line(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--scenarios", "missing"]) == 2
    err = capsys.readouterr().err
    assert err == "session-harness: scenarios directory not found: missing\n"


def test_run_suite_with_no_test_exits_1_saying_nothing_was_selected(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    make_scenarios(pytester.path, browser=None)
    assert main(["run", "--suite", "browser", "--report-dir", "out"]) == 1
    assert "no test was selected" in capsys.readouterr().out


def test_run_unreachable_base_url_exits_2_without_traceback(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    make_scenarios(pytester.path)
    assert main(["run", "--base-url", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("session-harness: cannot reach http://127.0.0.1:9")
    assert "Traceback" not in err and err.count("\n") == 1


def test_run_base_url_without_scheme_is_a_config_error(pytester: pytest.Pytester) -> None:
    make_scenarios(pytester.path)
    with pytest.raises(ConfigError, match="must start with http"):
        run(RunOptions(base_url="127.0.0.1:8000"))


def test_run_is_callable_from_python_and_returns_the_results(pytester: pytest.Pytester) -> None:
    root = make_scenarios(pytester.path)
    outcome = run(RunOptions(report_dir=Path("out"), scenarios=root))
    assert outcome.exit_code == 0
    assert outcome.run is not None and outcome.run.summary()["passed"] == 2
    assert outcome.index_html is not None and outcome.index_html.is_file()


def test_run_against_a_base_url_from_a_project_with_warnings_as_errors(tmp_path: Path) -> None:
    """The real command line in its own process: checking the URL loads httpx (and anyio)
    before pytest starts, which must not trip the project's `filterwarnings = error`."""
    (tmp_path / "pytest.ini").write_text("[pytest]\nfilterwarnings = error\n")
    make_scenarios(tmp_path, browser=None)
    with AppServer(access_log=False) as server:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "harness",
                "run",
                "--suite",
                "api",
                "--base-url",
                server.base_url,
                "--report-dir",
                "out",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    doc = json.loads((tmp_path / "out" / "latest" / "results.json").read_text())
    assert doc["summary"]["passed"] == 1
    assert doc["target"] == server.base_url  # the true target, not "embedded reference app"
    assert (
        f"target: <b>{server.base_url}</b>"
        in (tmp_path / "out" / "latest" / "index.html").read_text()
    )


def test_failure_text_in_the_terminal_keeps_square_brackets(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    bracketed = 'def test_x_{suite}(recorder):\n    assert False, "[alice/tab1] sent to /login"\n'
    make_scenarios(pytester.path, api=bracketed, browser=None)
    assert main(["run", "--report-dir", "out"]) == 1
    assert "AssertionError: [alice/tab1] sent to /login" in capsys.readouterr().out
