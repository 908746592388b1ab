"""Refresh throughput: the full app vs a bare baseline, and p99 at 100 vs 10,000 live sessions.

Each target runs in uvicorn (one worker) in its own process; Locust (FastHttpUser, headless, its
own process) loads it for the same time with the same users. Run from the repository root:

    .venv/bin/python benchmarks/refresh_throughput.py [--seconds 8] [--rounds 4] [--users 50]

Four interleaved rounds (medians): on a shared machine a p99 taken from two 8-s runs moved
by a third from one run to the next. Each round carries on with the sessions the last one
left (a refresh cut by the end of a round is answered from its parent in the next, within
the benchmark app's long grace window), so the small case stays at 100 live sessions.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Result:
    label: str
    rps: float
    p50: float
    p99: float
    failures: int
    requests: int = 0
    cpu_us: float = 0.0  # server CPU time per request: robust to a busy shared machine


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not start within 60 s")


@dataclass
class Target:
    label: str
    factory: str
    sessions: int
    port: int = 0
    server: subprocess.Popen[bytes] | None = None


def start_server(target: Target, workdir: Path) -> dict[str, str]:
    target.port = _free_port()
    env = {
        **os.environ,
        "BENCH_SESSIONS": str(target.sessions),
        "BENCH_TOKENS_FILE": str(workdir / f"{target.label}.tokens"),
        "PYTHONPATH": str(ROOT),
    }
    target.server = subprocess.Popen(
        [
            str(BIN / "uvicorn"),
            "--factory",
            target.factory,
            "--port",
            str(target.port),
            "--workers",
            "1",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
    )
    _wait_ready(target.port, target.server)
    return env


def load(
    target: Target, env: dict[str, str], seconds: int, users: int, round_no: int, prefix: Path
) -> Result:
    tokens = Path(env["BENCH_TOKENS_FILE"])
    carried = tokens.with_suffix(f".round{round_no}")
    if round_no:  # the sessions the previous round left
        tokens = tokens.with_suffix(f".round{round_no - 1}")
    env = {**env, "BENCH_TOKENS_FILE": str(tokens), "BENCH_TOKENS_OUT": str(carried)}
    assert target.server is not None
    cpu_before = _cpu_seconds(target.server.pid)
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "benchmarks" / "locust_refresh.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds}s",
            "-H",
            f"http://127.0.0.1:{target.port}",
            "--csv",
            str(prefix),
            "--only-summary",
        ],
        cwd=ROOT,
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    result = _read_stats(target.label, prefix)
    cpu = _cpu_seconds(target.server.pid) - cpu_before
    return dataclasses.replace(result, cpu_us=cpu / max(result.requests, 1) * 1e6)


def _median(results: list[Result]) -> Result:
    def mid(values: list[float]) -> float:
        return statistics.median(values)

    return Result(
        results[0].label,
        mid([r.rps for r in results]),
        mid([r.p50 for r in results]),
        mid([r.p99 for r in results]),
        sum(r.failures for r in results),
        sum(r.requests for r in results),
        mid([r.cpu_us for r in results]),
    )


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _read_stats(label: str, prefix: Path) -> Result:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")
    return Result(
        label,
        float(row["Requests/s"]),
        float(row["50%"]),
        float(row["99%"]),
        int(row["Failure Count"]),
        int(row["Request Count"]),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=8, help="length of one load run")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved runs per target")
    parser.add_argument("--users", type=int, default=50)
    args = parser.parse_args(argv)
    if args.users > 100:
        parser.error("--users must be at most 100 (one session each in the small case)")
    targets = [
        Target("baseline", "benchmarks.bench_apps:baseline_app", 100),
        Target("full_100", "benchmarks.bench_apps:full_app", 100),
        Target("full_10000", "benchmarks.bench_apps:full_app", 10_000),
    ]
    runs: dict[str, list[Result]] = {t.label: [] for t in targets}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        try:
            envs = {t.label: start_server(t, workdir) for t in targets}
            # Interleaved rounds: a shared machine's drifting load hits every target alike.
            for round_no in range(args.rounds):
                for t in targets:
                    prefix = workdir / f"{t.label}-{round_no}"
                    result = load(t, envs[t.label], args.seconds, args.users, round_no, prefix)
                    runs[t.label].append(result)
        finally:
            for t in targets:
                if t.server is not None:
                    t.server.terminate()
                    t.server.wait(timeout=10)
    results = {label: _median(rs) for label, rs in runs.items()}
    print(f"median of {args.rounds} interleaved {args.seconds}-s runs, {args.users} FastHttpUsers")
    header = (
        f"{'target':<12} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'CPU us/req':>10} {'failed':>6}"
    )
    print(header)
    for r in results.values():
        row = f"{r.label:<12} {r.rps:>7.0f} {r.p50:>7.0f} {r.p99:>7.0f} {r.cpu_us:>10.0f}"
        print(f"{row} {r.failures:>6}")
    base, small, large = results["baseline"], results["full_100"], results["full_10000"]
    print(f"full/baseline throughput: {small.rps / base.rps:.2f} (target >= 0.50)")
    print(f"full/baseline by server CPU per request: {base.cpu_us / small.cpu_us:.2f}")
    print(f"p99 at 10,000 / p99 at 100 sessions: {large.p99 / small.p99:.2f} (target <= 1.20)")
    print(f"CPU per request at 10,000 / at 100 sessions: {large.cpu_us / small.cpu_us:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
