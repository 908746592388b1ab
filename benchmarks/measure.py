"""Time per app of `session-harness check --measure` (each app started from its profile).

    .venv/bin/python benchmarks/measure.py [--target FILE ...]

Prints, per app, the measurement's own time (from results.json: the app's start excluded),
the whole run's wall time, the requests it sent and the verdict counts. Exit 0 when every
measurement took less than 30 s and none differed from its profile's promise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import Counter
from io import StringIO
from pathlib import Path

from rich.console import Console

from harness.conformance.runner import check
from harness.measure.finding import DIFFERS, Finding

ROOT = Path(__file__).resolve().parent.parent
TARGETS = (
    "reference-app",
    str(ROOT / "examples" / "drf-simplejwt.toml"),
    str(ROOT / "examples" / "flask-jwt-cookies.toml"),
)
BUDGET_S = 30.0


def measure_one(target: str) -> tuple[float, bool]:
    """Measure `target`, print its line; (the measurement's seconds, whether all agreed)."""
    with tempfile.TemporaryDirectory() as reports:
        outcome = check(
            target, report_dir=Path(reports), console=Console(file=StringIO()), measure=True
        )
        doc = json.loads((Path(reports) / "latest" / "results.json").read_text())
    (test,) = doc["tests"]
    findings = [Finding(**row) for row in doc["measured"]]
    counts = Counter(row.verdict for row in findings)
    print(
        f"{Path(target).stem:>18}: {test['duration_s']:5.1f} s measuring, "
        f"{outcome.wall_s:5.1f} s in all, {test['event_count']:,} events; "
        + ", ".join(f"{n} {verdict}" for verdict, n in sorted(counts.items()))
    )
    return test["duration_s"], counts[DIFFERS] == 0 and outcome.exit_code == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", action="append", help="a profile (default: the three apps)")
    args = parser.parse_args(argv)
    cpu_before = os.times()
    results = [measure_one(target) for target in args.target or TARGETS]
    cpu = sum(os.times()[:2]) - sum(cpu_before[:2])
    print(f"{cpu:.1f} s CPU in this process; load average {os.getloadavg()[0]:.1f}")
    return 0 if all(seconds < BUDGET_S and agreed for seconds, agreed in results) else 1


if __name__ == "__main__":
    sys.exit(main())
