from __future__ import annotations

import subprocess
import sys

from harness.processes import ChildSweep

SLEEP = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_sweep_stops_processes_started_after_it_and_leaves_older_ones() -> None:
    older = subprocess.Popen(SLEEP)
    try:
        sweep = ChildSweep()
        newer = subprocess.Popen(SLEEP)
        assert [p.pid for p in sweep.left_behind()] == [newer.pid]
        stopped = sweep.stop(timeout=5)
        assert len(stopped) == 1 and stopped[0].startswith(f"{newer.pid} ")
        assert newer.poll() is not None and older.poll() is None
        assert sweep.left_behind() == []
    finally:
        older.kill()
        older.wait()


def test_sweep_with_nothing_left_behind_stops_nothing() -> None:
    assert ChildSweep().stop() == []
