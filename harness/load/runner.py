"""Run a Locust refresh storm in its own process against the reference app, and read the result."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from harness.server import AppServer

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
USER_CLASSES = ("RefreshStormUser", "TabRaceUser")


@dataclass(frozen=True)
class StormConfig:
    users: int = 20
    spawn_rate: float = 20.0
    seconds: int = 10
    processes: int = 1  # Locust forks this many workers (its own distributed mode)
    tabs: int = 5
    max_p99_ms: float = 0.0
    user_classes: tuple[str, ...] = USER_CLASSES


@dataclass(frozen=True)
class EndpointStats:
    name: str
    requests: int
    failures: int
    rps: float
    p50_ms: float
    p99_ms: float


@dataclass(frozen=True)
class StormResult:
    exit_code: int
    endpoints: dict[str, EndpointStats]
    output_dir: Path
    log: str

    @property
    def total(self) -> EndpointStats:
        return self.endpoints["Aggregated"]

    @property
    def passed(self) -> bool:
        return self.exit_code == 0 and self.total.failures == 0


def locust_command(config: StormConfig, host: str, csv_prefix: Path) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--only-summary",
        "-u",
        str(config.users),
        "-r",
        str(config.spawn_rate),
        "-t",
        f"{config.seconds}s",
        "--stop-timeout",
        "5",
        "--host",
        host,
        "--csv",
        str(csv_prefix),
        "--html",
        str(csv_prefix.with_suffix(".html")),
        "--storm-tabs",
        str(config.tabs),
        "--max-p99-ms",
        str(config.max_p99_ms),
    ]
    if config.processes > 1:
        command += ["--processes", str(config.processes)]
    return [*command, *config.user_classes]


def read_stats(csv_prefix: Path) -> dict[str, EndpointStats]:
    with open(f"{csv_prefix}_stats.csv", newline="") as handle:
        return {
            row["Name"]: EndpointStats(
                name=row["Name"],
                requests=int(row["Request Count"]),
                failures=int(row["Failure Count"]),
                rps=float(row["Requests/s"]),
                p50_ms=float(row["50%"] or 0),
                p99_ms=float(row["99%"] or 0),
            )
            for row in csv.DictReader(handle)
        }


def run_storm(
    config: StormConfig,
    output_dir: Path,
    *,
    base_url: str | None = None,
    app_env: dict[str, str] | None = None,
) -> StormResult:
    """Storm `base_url`, or a reference app started here with `app_env`, and collect the stats."""
    output_dir.mkdir(parents=True, exist_ok=True)
    csv_prefix = output_dir / "locust"
    with ExitStack() as stack:
        if base_url is None:
            server = stack.enter_context(AppServer(app_env, access_log=False))
            base_url = server.base_url
        completed = subprocess.run(
            locust_command(config, base_url, csv_prefix),
            capture_output=True,
            text=True,
            timeout=config.seconds + 60,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
            check=False,
        )
    log = completed.stdout + completed.stderr
    (output_dir / "locust.log").write_text(log)
    return StormResult(completed.returncode, read_stats(csv_prefix), output_dir, log)
