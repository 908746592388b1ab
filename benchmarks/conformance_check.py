"""Wall time of `session-harness check --target reference-app` (the app started as a server).

    .venv/bin/python benchmarks/conformance_check.py [--target FILE] [--slowest N]

Prints the run's wall time, the CPU time of this process, the verdict counts and the slowest
checks (from the report's results.json). Exit 0 when no check failed.
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="reference-app")
    parser.add_argument("--slowest", type=int, default=4, metavar="N")
    args = parser.parse_args(argv)
    cpu_before = os.times()
    with tempfile.TemporaryDirectory() as reports:
        outcome = check(args.target, report_dir=Path(reports), console=Console(file=StringIO()))
        doc = json.loads((Path(reports) / "latest" / "results.json").read_text())
    cpu = sum(os.times()[:2]) - sum(cpu_before[:2])
    counts = Counter(row.verdict for row in outcome.verdicts)
    print(
        f"check --target {args.target}: {len(outcome.verdicts)} checks in {outcome.wall_s:.1f} s "
        f"wall (server start included), {cpu:.1f} s CPU in this process; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print("  " + ", ".join(f"{n} {verdict}" for verdict, n in sorted(counts.items())))
    slowest = sorted(doc["tests"], key=lambda t: -t["duration_s"])[: args.slowest]
    for test in slowest:
        name = test["id"].split("::", 1)[-1]
        print(f"  {test['duration_s']:6.2f} s  {name}  ({test['event_count']} events)")
    return 0 if outcome.exit_code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
