"""SIGTERM at random instants of the browser suite: every try must exit 143 with a report.

Starts `session-harness run --suite browser` against the embedded reference app, sends
SIGTERM at a random instant (seeded), and reads what the run left: its exit code and the
`results.json` of its report, which must say `interrupted` (or `passed`/`failed` when the
suite ended before the signal, which the try reports as such). Run from the repository root:

    .venv/bin/python benchmarks/sigterm_browser.py [--tries 20] [--seed 7] [--within 5,60]
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one_try(delay: float) -> tuple[int | None, str, float, str]:
    """Exit code, the report's outcome, how long the run took to stop after the signal, and
    the last lines it printed."""
    with tempfile.TemporaryDirectory() as folder:
        reports = Path(folder) / "reports"
        printed = Path(folder) / "output.txt"
        run = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "harness",
                "run",
                "--suite",
                "browser",
                "--report-dir",
                str(reports),
            ],
            stdout=printed.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        time.sleep(delay)
        signalled = time.monotonic()
        run.send_signal(signal.SIGTERM)
        try:
            code: int | None = run.wait(timeout=120)
        except subprocess.TimeoutExpired:
            run.kill()
            code = None
        stopped = time.monotonic() - signalled
        tail = "\n".join(printed.read_text(errors="replace").splitlines()[-40:])
        results = reports / "latest" / "results.json"
        if not results.is_file():
            return code, "no report", stopped, tail
        summary = json.loads(results.read_text())["summary"]
        return code, str(summary["outcome"]), stopped, tail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--within", default="5,60", help="seconds after start: LOW,HIGH")
    args = parser.parse_args(argv)
    low, high = (float(x) for x in args.within.split(","))
    pick = random.Random(args.seed)
    good = 0
    for n in range(1, args.tries + 1):
        delay = round(pick.uniform(low, high), 1)
        code, outcome, stopped, tail = one_try(delay)
        ok = code == 143 and outcome == "interrupted"
        good += ok
        print(
            f"try {n:2}: SIGTERM at {delay:5.1f} s -> exit {code}, report {outcome}, "
            f"stopped in {stopped:.1f} s{'' if ok else '  <-- wrong'}"
        )
        if not ok:
            print("    " + tail.replace("\n", "\n    "))
    print(f"{good} of {args.tries} exited 143 with an interrupted report")
    return 0 if good == args.tries else 1


if __name__ == "__main__":
    sys.exit(main())
