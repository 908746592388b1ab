"""Size of the report files of the API acceptance suite: the events stored gzipped vs plain.

    .venv/bin/python benchmarks/report_size.py

Runs the API suite with `--harness-report` into a temporary folder and prints the size of
each file, the plain events.ndjson the events would take uncompressed (what the report
wrote before it compressed them), and the ratio.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios" / "api"


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:8.2f} MB"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(SCENARIOS)]
        completed = subprocess.run(
            [*command, "--harness-report", tmp], capture_output=True, text=True, check=False
        )
        if completed.returncode != 0:
            print(completed.stdout[-3000:], completed.stderr[-3000:])
            return 1
        report = Path(tmp) / "latest"
        events = report / "events.ndjson.gz"
        plain = len(gzip.decompress(events.read_bytes()))
        count = sum(
            t["event_count"] for t in json.loads((report / "results.json").read_text())["tests"]
        )
        print(f"events recorded           {count:>8}")
        print(f"events.ndjson (plain)     {megabytes(plain)}")
        print(
            f"events.ndjson.gz          {megabytes(events.stat().st_size)}"
            f"   ({plain / events.stat().st_size:.0f}x smaller)"
        )
        for name in ("results.json", "index.html", "junit.xml"):
            print(f"{name:<25} {megabytes((report / name).stat().st_size)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
