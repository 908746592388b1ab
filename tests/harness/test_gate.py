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

@pytest.mark.ac("AC1")
def test_skipped(recorder):
    pytest.skip("needs another server")

@pytest.mark.ac("AC2")
def test_not_applicable(recorder):
    pytest.skip("not applicable: needs a test clock")
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
