"""Server memory under a flood of concurrent wrong-password sign-ins.

    .venv/bin/python benchmarks/login_flood.py [--logins 200] [--concurrency 4 ...] [--limits]

Starts the reference app with uvicorn in its own process (production argon2 settings:
19 MiB per check), fires `--logins` concurrent `POST /api/auth/login` with a wrong password,
samples the server's resident memory from /proc every 10 ms, and prints it before the flood
and at its peak. Each argon2 check holds its memory while it runs, so the peak should stay
within `before + concurrency x 19 MiB + slack`; exit 1 when a run goes over that bound.
Without `--limits` the sign-in limits are off, so every attempt is checked (the worst case).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx

from harness._realtime import wall_seconds
from harness.server import AppServer

MEMORY_KIB = 19456  # the app's default argon2 memory cost
SLACK_MB = 64.0  # sockets, request objects and allocator slack on top of the checks
SAMPLE_S = 0.01


@dataclass(frozen=True)
class FloodResult:
    concurrency: int
    before_mb: float
    peak_mb: float
    statuses: Counter[int]
    wall_s: float

    @property
    def bound_mb(self) -> float:
        return self.before_mb + self.concurrency * MEMORY_KIB / 1024 + SLACK_MB


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


class PeakSampler:
    """Samples a process's RSS in a thread until stopped; keeps the peak."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = rss_mb(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_S):
            self.peak = max(self.peak, rss_mb(self.pid))

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


async def flood(base_url: str, logins: int) -> Counter[int]:
    body = {"email": "alice@example.com", "password": "not-her-password"}
    limits = httpx.Limits(max_connections=logins)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=600) as client:

        async def attempt() -> int:
            headers = {"X-Requested-With": "benchmark"}
            response = await client.post("/api/auth/login", json=body, headers=headers)
            return response.status_code

        return Counter(await asyncio.gather(*(attempt() for _ in range(logins))))


def run_flood(logins: int, concurrency: int, limits: bool) -> FloodResult:
    env = {"REFAPP_PASSWORD_HASH_CONCURRENCY": str(concurrency)}
    if not limits:
        env |= {"REFAPP_LOGIN_FAILURES_PER_ACCOUNT": "0", "REFAPP_LOGIN_FAILURES_PER_ADDRESS": "0"}
    with AppServer(env, test_clock=False, access_log=False) as server:
        assert server.pid is not None
        asyncio.run(flood(server.base_url, 1))  # warm: the hasher and its first allocation
        before = rss_mb(server.pid)
        began = wall_seconds()
        with PeakSampler(server.pid) as sampler:
            statuses = asyncio.run(flood(server.base_url, logins))
        return FloodResult(concurrency, before, sampler.peak, statuses, wall_seconds() - began)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=200)
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=[4], help="REFAPP_PASSWORD_HASH_CONCURRENCY"
    )
    parser.add_argument("--limits", action="store_true", help="keep the default sign-in limits")
    args = parser.parse_args(argv)
    over = False
    for concurrency in args.concurrency:
        result = run_flood(args.logins, concurrency, args.limits)
        statuses = ", ".join(f"{n}x{code}" for code, n in sorted(result.statuses.items()))
        within = result.peak_mb <= result.bound_mb
        over |= not within
        print(
            f"{args.logins} concurrent wrong-password logins, hash concurrency {concurrency}, "
            f"limits {'on' if args.limits else 'off'}: RSS before {result.before_mb:.0f} MB, "
            f"peak {result.peak_mb:.0f} MB (bound {result.bound_mb:.0f} MB: "
            f"{'ok' if within else 'OVER'}); {statuses} in {result.wall_s:.1f} s"
        )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
