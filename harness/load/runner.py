"""Run a storm: check it can run, start the app if asked, run Locust in its own process(es).

The library call behind `session-harness load`. Locust (which monkey-patches the process
with gevent) never runs here: it gets the storm's plan on its command line, and its master
writes the figures it computed to `storm.json`, which this module reads, gates and reports.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from harness.app import AppUnavailable, started_server
from harness.load.figures import Breach, Limits, StormFigures, gate
from harness.load.plan import FaultKind, Mix, Shape, StormPlan
from harness.load.preflight import Preflight, StormCannotRun, preflight
from harness.load.report import write_report
from harness.server import AppServer, ServerStartError
from harness.target import ProfileError, TargetProfile, load_profile

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
FIGURES_FILE = "storm.json"
LOG_FILE = "locust.log"
MAX_LIFETIMES = 40  # a storm needing more waits for a deadline too long to be worth a run
DEFAULT_MIX = Mix(active=0.6, idle=0.2, expired=0.2)


@dataclass(frozen=True)
class StormConfig:
    """What `session-harness load` asks for."""

    shape: Shape = "aligned"
    profiles: int = 100
    tabs: int = 3
    lifetimes: int = 3
    processes: int = 1  # Locust forks this many workers (its own distributed mode)
    think_s: float = 20.0  # an active user does something about every 20 s
    between_s: float = 3.0
    tick_s: float | None = None  # the tabs' timer period (default: the app's)
    fault: FaultKind = "stall"
    fault_s: float = 15.0
    lost_responses: float = 0.005
    login_sample: int = 20  # with bulk sessions: profiles per process that log in anyway
    limits: Limits = field(default_factory=Limits)
    settings: Mapping[str, str] = field(default_factory=dict)  # for an app the harness starts
    master: bool = False  # Locust master waiting for `expect_workers` remote workers
    expect_workers: int = 0
    master_bind_port: int | None = None


@dataclass(frozen=True)
class StormResult:
    exit_code: int
    figures: StormFigures
    breaches: list[Breach]
    report_dir: Path
    base_url: str


def check_report_dir(report_dir: Path) -> None:
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
        probe = report_dir / ".writable"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise StormCannotRun(f"cannot write to {report_dir}: {exc.strerror or exc}") from None


def profile_of(target: str | None) -> TargetProfile:
    try:
        return load_profile(target or "reference-app")
    except ProfileError as exc:
        raise StormCannotRun(str(exc).splitlines()[0]) from None


def plan_of(
    config: StormConfig, profile: TargetProfile, found: Preflight, target: str
) -> StormPlan:
    plan = StormPlan(
        shape=config.shape,
        profiles=config.profiles,
        tabs=config.tabs,
        lifetimes=config.lifetimes,
        timing=found.timing,
        clock=found.clock,
        think_s=config.think_s,
        between_s=config.between_s,
        fault=config.fault,
        fault_s=config.fault_s if config.shape == "recovery" else 0.0,
        mix=DEFAULT_MIX if config.shape == "mixed" else Mix(),
        bulk_path=found.bulk_path,
        login_sample=config.login_sample,
        lost_responses=config.lost_responses,
        target=target,
        served=found.served,
    )
    lifetimes = plan.mixed_lifetimes() if plan.shape == "mixed" else plan.lifetimes
    if lifetimes > MAX_LIFETIMES:
        raise StormCannotRun(
            f"the {plan.shape} storm would wait {lifetimes} token lifetimes for the app's idle "
            "timeout or refresh TTL: start it with shorter ones (e.g. --setting "
            f"refresh_ttl_seconds={round(1.8 * plan.timing.jump_s)})"
        )
    if plan.clock == "real" and plan.timing.jump_s * lifetimes > 1800:
        raise StormCannotRun(
            f"{profile.name} has no test clock and tokens of {plan.timing.access_ttl_s:g} s: "
            "the storm would take over half an hour of real time; start it with short TTLs"
        )
    return plan


def locust_command(config: StormConfig, plan: StormPlan, host: str, out: Path) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--only-summary",
        "--host",
        host,
        "-u",
        str(config.profiles),
        "-r",
        str(min(config.profiles, 500)),
        "-t",
        f"{run_time_s(plan)}s",
        "--stop-timeout",
        "0",
        "--html",
        str(out / "locust.html"),
        "--storm-plan",
        plan.to_json(),
        "--storm-out",
        str(out / FIGURES_FILE),
        "--max-false-logouts",
        str(config.limits.max_false_logouts),
        "--max-amplification",
        str(config.limits.max_amplification),
        "--max-p99-ms",
        str(config.limits.max_p99_ms),
    ]
    if config.master:
        command += ["--master", "--expect-workers", str(config.expect_workers)]
        if config.master_bind_port is not None:
            command += ["--master-bind-port", str(config.master_bind_port)]
    elif config.processes > 1:
        command += ["--processes", str(config.processes)]
    return [*command, "BrowserProfileUser"]


def worker_command(master_host: str, master_port: int | None) -> list[str]:
    """A Locust worker of a storm whose master runs elsewhere (it gets every option from it)."""
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--worker"]
    command += ["--master-host", master_host]
    if master_port is not None:
        command += ["--master-port", str(master_port)]
    return command


def run_time_s(plan: StormPlan) -> int:
    """Locust's own limit: far beyond what the storm's steps need, so it only stops a hang."""
    lifetimes = plan.mixed_lifetimes() if plan.shape == "mixed" else plan.lifetimes
    per_lifetime = plan.timing.herd_timeout_s + plan.between_s + plan.fault_s
    if plan.shape == "steady":
        per_lifetime = plan.timing.tick_s * 1.5 * 6 + 5
    if plan.clock == "real":
        per_lifetime += plan.timing.jump_s
    return math.ceil(240 + (lifetimes + 1) * per_lifetime)


def run_storm(
    config: StormConfig,
    report_dir: Path,
    *,
    target: str | None = None,
    base_url: str | None = None,
) -> StormResult:
    """Storm `base_url`, or the target's app started here; raises StormCannotRun (exit 2)."""
    check_report_dir(report_dir)
    profile = profile_of(target)
    with ExitStack() as stack:
        server: AppServer | None = None
        if base_url is None:
            server = _started(profile, config.settings)
            stack.callback(server.stop)
            base_url = server.base_url
        found = preflight(profile, base_url, tick_s=config.tick_s)
        plan = plan_of(config, profile, found, target or "reference-app")
        cpu_before = server_cpu_s(server)
        log = _locust(locust_command(config, plan, base_url, report_dir), report_dir, plan)
        cpu = server_cpu_s(server) - cpu_before if server is not None else None
    figures = read_figures(report_dir, log)
    if cpu is not None and figures.requests:
        figures = figures.with_server_cpu(cpu / figures.requests * 1e6)
    breaches = gate(figures, config.limits)
    write_report(report_dir, figures, breaches, base_url)
    return StormResult(1 if breaches else 0, figures, breaches, report_dir, base_url)


def _started(profile: TargetProfile, settings: Mapping[str, str]) -> AppServer:
    try:
        server = started_server(profile, settings)
        server.start()
    except (AppUnavailable, ServerStartError) as exc:
        raise StormCannotRun(str(exc).splitlines()[0]) from None
    return server


def _locust(command: list[str], report_dir: Path, plan: StormPlan) -> str:
    try:
        completed = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=run_time_s(plan) + 120,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise StormCannotRun("Locust did not end in time (see the report folder)") from None
    log = completed.stdout + completed.stderr
    (report_dir / LOG_FILE).write_text(log)
    return log


def read_figures(report_dir: Path, log: str) -> StormFigures:
    path = report_dir / FIGURES_FILE
    try:
        return StormFigures.from_dict(json.loads(path.read_text()))
    except (OSError, ValueError, KeyError, TypeError):
        last = next((line for line in reversed(log.splitlines()) if line.strip()), "no output")
        raise StormCannotRun(
            f"Locust ended without figures ({last.strip()[:160]}); see {report_dir / LOG_FILE}"
        ) from None


def server_cpu_s(server: AppServer | None) -> float:
    """User + system CPU seconds of the app's process (Linux /proc), 0 when unknown."""
    if server is None or server.pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
