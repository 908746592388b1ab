"""The exit codes of `session-harness`: one table for the code, `--help` and the README."""

from __future__ import annotations

import signal
import textwrap
from enum import IntEnum

HELP_WIDTH = 88


class ExitCode(IntEnum):
    """What a `session-harness` command's exit status means (a CI gate reads it)."""

    PASSED = 0
    FAILED = 1
    USAGE = 2
    ERROR = 3
    SIGINT = 128 + signal.SIGINT
    SIGTERM = 128 + signal.SIGTERM

    @property
    def meaning(self) -> str:
        return MEANINGS[self]


MEANINGS = {
    ExitCode.PASSED: "passed: at least one test passed, none failed, nothing failed to collect",
    ExitCode.FAILED: "did not pass: a test failed, a file (or a conftest.py) failed to "
    "collect, no test was selected, every selected test was skipped or not applicable, "
    "or a --strict rule was broken",
    ExitCode.USAGE: "usage or configuration error (one line on stderr)",
    ExitCode.ERROR: "error: the run did not finish its tests (a test ended the process, "
    "pytest.exit, a crash) or an internal error; the report names the last test started",
    ExitCode.SIGINT: "interrupted by SIGINT (Ctrl-C): the report of what ran is written, "
    "and no process of the run is left",
    ExitCode.SIGTERM: "interrupted by SIGTERM (a CI timeout): as for SIGINT",
}


def exit_code_for_signal(signum: int) -> int:
    """The shell's convention: 128 + the signal number (130 for SIGINT, 143 for SIGTERM)."""
    return 128 + signum


def help_table() -> str:
    """The table as `--help` epilogs print it: one code per line, its meaning beside it."""
    lines = ["exit codes:"]
    for code in ExitCode:
        lead = f"  {code.value:<4} "
        lines.append(
            textwrap.fill(
                code.meaning, HELP_WIDTH, initial_indent=lead, subsequent_indent=" " * len(lead)
            )
        )
    return "\n".join(lines)


def markdown_table() -> str:
    """The same table in Markdown, as the README shows it (a test keeps the two equal)."""
    rows = [f"| {code.value} | {code.meaning} |" for code in ExitCode]
    return "\n".join(["| code | meaning |", "|---|---|", *rows])
