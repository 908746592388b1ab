"""Locust's distributed mode: a master and workers in separate processes, one set of figures."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

from harness.load.runner import StormConfig, run_storm
from harness.server import free_port

SHORT = StormConfig(profiles=20, tabs=3, lifetimes=2, tick_s=1.0, think_s=1.0, between_s=1.0)
CLI = [sys.executable, "-m", "harness", "load"]


def test_master_and_two_worker_processes_merge_their_figures(tmp_path: Path) -> None:
    port = free_port()
    master = subprocess.Popen(
        [
            *CLI,
            "--profiles",
            "20",
            "--tabs",
            "3",
            "--lifetimes",
            "2",
            "--tick-seconds",
            "1",
            "--think-seconds",
            "1",
            "--between-seconds",
            "1",
            "--master",
            "--expect-workers",
            "2",
            "--master-bind-port",
            str(port),
            "--report-dir",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    workers = [
        subprocess.Popen(
            [*CLI, "--worker", "--master-host", "127.0.0.1", "--master-port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    try:
        output, _ = master.communicate(timeout=240)
    finally:
        for worker in workers:
            worker.wait(timeout=30)
    assert master.returncode == 0, output[-3000:]
    assert "gate passed" in output
    figures = json.loads((tmp_path / "load.json").read_text())["figures"]
    assert figures["counts"]["signed_in"] == 20
    assert figures["counts"]["renewals"] == 20 * 2
    assert figures["amplification"] == 1.0
    log = (tmp_path / "locust.log").read_text()
    assert log.count("reported that it has stopped") >= 2 or "2 workers" in log, log[-2000:]
    # Locust's own summary counted the same refreshes the figures report.
    herd = figures["refresh"]["herd"]["requests"]
    assert any(
        line.split()[1:4] == ["refresh", "·", "herd"] and line.split()[4] == str(herd)
        for line in log.splitlines()
        if line.startswith("POST")
    ), log[-3000:]


def test_processes_two_gives_the_same_verdicts_as_one(tmp_path: Path) -> None:
    healthy = run_storm(dataclasses.replace(SHORT, processes=2), tmp_path / "healthy")
    assert healthy.exit_code == 0, healthy.breaches
    assert healthy.figures.count("renewals") == 20 * 2
    broken = run_storm(
        dataclasses.replace(
            SHORT, processes=2, lost_responses=0.25, settings={"regressions": "no_reuse_grace"}
        ),
        tmp_path / "broken",
    )
    assert broken.exit_code == 1
    assert broken.figures.count("false_logouts") > 0
