from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import httpcore  # noqa: F401  (see below)
import httpx
import pytest

from harness.cli import main
from harness.exit_codes import ExitCode, help_table, markdown_table
from harness.runner import ConfigError, RunOptions, run
from harness.server import AppServer

SERVE_ENV = {
    "REFAPP_PASSWORD_HASH_MEMORY_KIB": "8",
    "REFAPP_PASSWORD_HASH_TIME_COST": "1",
    "REFAPP_JWT_SECRET": "s" * 40,
}
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
    # The true target: the profile's name and where the app answered.
    assert doc["target"] == f"reference-app ({server.base_url})"
    assert (
        f"target: <b>reference-app ({server.base_url})</b>"
        in (tmp_path / "out" / "latest" / "index.html").read_text()
    )


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    out, err = capsys.readouterr()
    assert out == "", out  # no banner
    assert err.startswith("session-harness: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("port", ["70000", "-1", "65536"])
def test_serve_with_a_port_out_of_range_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], port: str
) -> None:
    assert main(["serve", "--port", port]) == 2
    assert "--port must be 1-65535" in _one_line_error(capsys)


def test_serve_on_a_busy_port_exits_2_before_the_banner(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = _one_line_error(capsys)
    assert f"cannot listen on 127.0.0.1:{port}" in err and "in use" in err


@pytest.mark.parametrize(
    ("uri", "fragment"),
    [
        ("mongodb://127.0.0.1:99999/db", "REFAPP_MONGODB_URI is malformed"),
        ("mongodb://", "REFAPP_MONGODB_URI is malformed"),
        ("mongodb://127.0.0.1:9/refapp", "no MongoDB answered within 2 s"),
    ],
)
def test_serve_with_a_bad_or_unreachable_mongodb_exits_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], uri: str, fragment: str
) -> None:
    monkeypatch.setenv("REFAPP_MONGODB_URI", uri)
    assert main(["serve", "--port", "0"]) == 2
    assert fragment in _one_line_error(capsys)


def test_serve_on_port_0_announces_the_real_port_and_exits_130_on_ctrl_c() -> None:
    env = {**os.environ, **SERVE_ENV}
    command = [sys.executable, "-m", "harness", "serve", "--port", "0"]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as serving:
        assert serving.stdout is not None
        banner = serving.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+) ", banner)
        assert match and match[1] != "0", banner
        response = httpx.get(f"http://127.0.0.1:{match[1]}/api/auth/config", timeout=10)
        serving.send_signal(signal.SIGINT)
        assert serving.wait(timeout=15) == 130
    assert response.status_code == 200


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"session-harness {version('session-harness')}\n"


def test_help_describes_the_product_and_lists_exit_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "never throws an active user back to the\nlogin page" in out
    assert "thin command line" not in out
    for code in ExitCode:
        first_words = " ".join(code.meaning.split()[:3])
        assert re.search(rf"^  {code.value} +{re.escape(first_words)}", out, re.MULTILINE), out


def test_run_help_and_the_readme_list_the_same_exit_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run", "--help"]) == 0
    assert help_table() in capsys.readouterr().out
    readme = Path(__file__).parents[2] / "README.md"
    assert markdown_table() in readme.read_text(encoding="utf-8")
    assert [int(code) for code in ExitCode] == [0, 1, 2, 3, 130, 143]


def test_run_with_an_unknown_suite_says_so_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run", "--suite", "nosuch"]) == ExitCode.USAGE
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("session-harness run: argument --suite: invalid choice: 'nosuch'")


def test_failure_text_in_the_terminal_keeps_square_brackets(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    bracketed = 'def test_x_{suite}(recorder):\n    assert False, "[alice/tab1] sent to /login"\n'
    make_scenarios(pytester.path, api=bracketed, browser=None)
    assert main(["run", "--report-dir", "out"]) == 1
    assert "AssertionError: [alice/tab1] sent to /login" in capsys.readouterr().out
