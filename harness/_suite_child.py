"""The child process `harness.supervisor` runs the suite in: `run`, then a farewell line.

Arguments: the journal file, the run's options as JSON, then pytest's arguments.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from harness.exit_codes import exit_code_for_signal
from harness.interrupts import Terminated
from harness.report.journal import say_farewell
from harness.runner import execute
from harness.supervisor import options_from_json


def main(argv: Sequence[str]) -> int:
    journal, options, *args = argv
    try:
        code = int(execute(options_from_json(options), args, Console(), Path(journal)).exit_code)
    except Terminated as exc:  # a signal before pytest took over
        code = exit_code_for_signal(exc.signum)
    # The last line: a run that ends without it did not end the way it says.
    say_farewell(Path(journal), code)
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
