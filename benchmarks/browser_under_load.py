"""The browser suite run again and again with every core kept busy: does any test flake?

    .venv/bin/python benchmarks/browser_under_load.py [--runs 10] [--burners 2]

Starts `--burners` CPU burners (`while True: pass`, one process each), runs the browser
suite (`pytest scenarios/api scenarios/browser --suite browser`: the scenarios written once
for both drivers and the browser-only ones) `--runs` times in a row, prints each run's
result and the failed tests, then stops the burners. Exit 0 when every run passed.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

from harness._realtime import wall_seconds

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
SUITE = [str(SCENARIOS / "api"), str(SCENARIOS / "browser"), "--suite", "browser"]
BURN = "while True: pass"


def run_suite() -> tuple[bool, str, list[str]]:
    """One run: passed?, pytest's last line, the failed test ids."""
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rf", *SUITE],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = completed.stdout.strip().splitlines() or ["(no output)"]
    failed = re.findall(r"^FAILED (\S+)", completed.stdout, flags=re.MULTILINE)
    return completed.returncode == 0, lines[-1], failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--burners", type=int, default=2)
    args = parser.parse_args(argv)
    burners = [subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(args.burners)]
    failures = 0
    try:
        for index in range(1, args.runs + 1):
            began = wall_seconds()
            passed, last, failed = run_suite()
            failures += not passed
            verdict = "ok  " if passed else "FAIL"
            print(f"run {index:>2}: {verdict} {wall_seconds() - began:6.1f} s  {last}")
            for test in failed:
                print(f"         {test}")
            sys.stdout.flush()
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    print(f"{args.runs - failures} of {args.runs} runs passed with {args.burners} CPU burners")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
