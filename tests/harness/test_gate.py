"""The CI gate cannot lie: a run that proved nothing fails in all four outputs with its reason.

Exit code, terminal, results.json and index.html come from one outcome object; each case
checks all four.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from markupsafe import escape

from harness.cli import main

PASSING = """
import pytest

@pytest.mark.ac("AC1")
def test_passes(recorder):
    pass
"""
SKIPPING = """
import pytest

from harness import NotApplicable

@pytest.mark.ac("AC1")
def test_skipped(recorder):
    pytest.skip("needs another server")

@pytest.mark.ac("AC2")
def test_not_applicable(recorder):
    raise NotApplicable("needs a test clock")
"""
BROKEN = "def test_broken(:\n    pass\n"


def gate(
    base: Path, files: dict[str, str], args: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, dict[str, object], str]:
    """Run `session-harness run` on scenarios/api/<files>: exit code, terminal, JSON, HTML."""
    folder = base / "scenarios" / "api"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    code = main(["run", "--report-dir", "out", *args])
    terminal = capsys.readouterr().out
    report = base / "out" / "latest"
    summary = json.loads((report / "results.json").read_text())["summary"]
    return code, terminal, summary, (report / "index.html").read_text()


CASES = {
    "syntax error": (
        {"test_ok.py": PASSING, "test_broken.py": BROKEN},
        [],
        "1 collection error: scenarios/api/test_broken.py (SyntaxError: invalid syntax)",
    ),
    "-k matching nothing": ({"test_ok.py": PASSING}, ["-k", "nomatch"], "no test was selected"),
    "all skipped": (
        {"test_skips.py": SKIPPING},
        [],
        "no test passed: every selected test was skipped or not applicable "
        "(1 skipped, 1 not applicable)",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_run_that_proved_nothing_fails_in_exit_code_terminal_json_and_html(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    files, args, reason = CASES[case]
    code, terminal, summary, html = gate(pytester.path, files, args, capsys)
    assert code == 1
    assert "FAILED" in terminal and reason in " ".join(terminal.split())
    assert summary["outcome"] == "failed" and summary["exit_code"] == 1
    assert any(r.startswith(reason) for r in summary["reasons"])  # type: ignore[attr-defined]
    assert '<div class="verdict">FAILED</div>' in html and str(escape(reason)) in html


def test_collection_error_counts_in_summary_errors(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, summary, html = gate(pytester.path, {"test_broken.py": BROKEN}, [], capsys)
    assert summary["errors"] == 1 and summary["total"] == 0
    assert "Collection errors" in html and "SyntaxError" in html


def test_strict_fails_a_run_with_a_skip_that_otherwise_passes(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {"test_ok.py": PASSING, "test_skips.py": SKIPPING}
    code, _, summary, _ = gate(pytester.path, files, ["--strict"], capsys)
    assert code == 1
    assert summary["reasons"] == ["--strict: 1 skipped and 1 not applicable"]


def test_not_applicable_is_counted_apart_and_never_as_passed(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {"test_ok.py": PASSING, "test_skips.py": SKIPPING}
    code, terminal, summary, html = gate(pytester.path, files, [], capsys)
    assert code == 0
    assert (summary["passed"], summary["skipped"], summary["not_applicable"]) == (1, 1, 1)
    assert "1 not applicable" in terminal
    assert '<span class="pill not_applicable">not applicable</span>' in html


def test_plain_pytest_with_the_report_exits_non_zero_when_every_test_skipped(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(
        "[pytest]\naddopts = -p no:cacheprovider\nasyncio_default_fixture_loop_scope = function\n"
    )
    pytester.makepyfile(test_skips=SKIPPING)
    result = pytester.runpytest("--harness-report", "reports")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["session-harness: FAILED: no test passed*"])


THREE = """
import os, signal
import pytest

def test_1_first(recorder):
    pass

def test_2_ends_the_run(recorder):
    {ending}

def test_3_fails(recorder):
    assert False, "never seen by a run that lies"
"""
ENDINGS = {
    "os._exit(0)": "os._exit(0)",
    "pytest.exit(returncode=0)": 'pytest.exit("bye", returncode=0)',
    "SIGSEGV": "os.kill(os.getpid(), signal.SIGSEGV)",
}


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_a_test_that_ends_the_run_leaves_an_error_report_naming_it(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str], ending: str
) -> None:
    files = {"test_three.py": THREE.format(ending=ENDINGS[ending])}
    code, terminal, summary, html = gate(pytester.path, files, ["--suite", "api"], capsys)
    assert code == 3
    assert summary["outcome"] == "error" and summary["exit_code"] == 3
    assert (summary["passed"], summary["failed"], summary["total"]) == (1, 0, 1)
    assert "test_2_ends_the_run" in summary["reasons"][0]  # type: ignore[index]
    assert "of 3 tests" in summary["reasons"][0]  # type: ignore[index]
    assert "ERROR" in terminal and '<div class="verdict">ERROR</div>' in html


def test_a_report_left_by_the_previous_run_is_not_taken_for_this_one(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = pytester.path / "scenarios" / "api"
    folder.mkdir(parents=True)
    (folder / "test_ok.py").write_text(PASSING)
    assert main(["run", "--report-dir", "out"]) == 0
    (folder / "test_ok.py").write_text(THREE.format(ending=ENDINGS["os._exit(0)"]))
    assert main(["run", "--report-dir", "out"]) == 3
    latest = json.loads((pytester.path / "out" / "latest" / "results.json").read_text())
    assert latest["summary"]["outcome"] == "error"
    runs = [p for p in (pytester.path / "out").iterdir() if p.is_dir() and not p.is_symlink()]
    assert len(runs) == 2 and all((run / "results.json").is_file() for run in runs)


def test_a_conftest_with_a_syntax_error_fails_the_run_with_a_report(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    (pytester.path / "scenarios").mkdir()
    (pytester.path / "scenarios" / "conftest.py").write_text(BROKEN)
    code, terminal, summary, html = gate(pytester.path, {"test_ok.py": PASSING}, [], capsys)
    assert code == 1
    assert summary["outcome"] == "failed" and summary["errors"] == 1
    reason = "1 collection error: scenarios/conftest.py (SyntaxError: invalid syntax"
    assert summary["reasons"][0].startswith(reason)  # type: ignore[index]
    assert "FAILED" in terminal and "SyntaxError" in html


def test_pytest_exit_in_a_plain_pytest_run_is_not_a_pass(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\naddopts = -p no:cacheprovider\nasyncio_default_fixture_loop_scope = function\n"
    )
    pytester.makepyfile(test_three=THREE.format(ending=ENDINGS["pytest.exit(returncode=0)"]))
    result = pytester.runpytest_subprocess("--harness-report", "reports")
    assert result.ret == 3
    result.stdout.fnmatch_lines(["session-harness: ERROR: 2 of 3 tests never reported*"])
