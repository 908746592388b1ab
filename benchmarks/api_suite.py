"""Wall time of the API acceptance suite, run in-process the way `session-harness run` runs it.

    .venv/bin/python benchmarks/api_suite.py [-k EXPR] [--slowest N]

Prints the suite's wall time, the CPU time of this process (what the machine's load does
not inflate), and the slowest scenarios. Exit 0 when every scenario passed within the target.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pytest

from harness._realtime import wall_seconds

TARGET_SECONDS = 20.0
SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios" / "api"


class WallTimes:
    """A pytest plugin that times each test in real time (freezegun freezes pytest's clock)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> object:
        began = wall_seconds()
        try:
            return (yield)
        finally:
            self.seconds[item.nodeid] = wall_seconds() - began


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", metavar="EXPR", help="only scenarios matching this expression")
    parser.add_argument("--slowest", type=int, default=5, metavar="N")
    args = parser.parse_args(argv)
    times = WallTimes()
    # Scenarios written once for both drivers live here too: the API suite is the api driver's.
    pytest_args = ["-q", "-p", "no:cacheprovider", str(SCENARIOS), "--suite", "api"]
    if args.k:
        pytest_args += ["-k", args.k]
    cpu_before = os.times()
    began = wall_seconds()
    code = pytest.main(pytest_args, plugins=[times])
    wall = wall_seconds() - began
    cpu = sum(os.times()[:2]) - sum(cpu_before[:2])
    print(
        f"\nAPI suite: {len(times.seconds)} tests in {wall:.1f} s wall, {cpu:.1f} s CPU "
        f"(target < {TARGET_SECONDS:.0f} s wall; load average {os.getloadavg()[0]:.1f})"
    )
    for nodeid, seconds in sorted(times.seconds.items(), key=lambda kv: -kv[1])[: args.slowest]:
        print(f"  {seconds:6.2f} s  {nodeid.split('::', 1)[-1]}")
    ok = code == pytest.ExitCode.OK and wall < TARGET_SECONDS
    print(f"  {'ok' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
