"""Harness overhead: a `Tab` GET against a bare httpx ASGI GET of the same endpoint, same run.

    .venv/bin/python benchmarks/tab_overhead.py [--requests N]

Both clients hit the same in-process app under the same frozen virtual clock, with the same
access token, in interleaved rounds so that machine noise hits both alike.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from collections.abc import Awaitable, Callable

import httpx

from harness._realtime import wall_seconds
from harness.app import in_process
from harness.client import Profile, Target
from harness.clock import VirtualClock
from harness.events import Recorder
from harness.target import load_profile

PATH = "/api/auth/session"
TARGET_RATIO = 1.5


async def _per_request(call: Callable[[], Awaitable[httpx.Response]], n: int) -> float:
    began = wall_seconds()
    for _ in range(n):
        response = await call()
        if response.status_code != 200:
            raise RuntimeError(f"GET {PATH} answered {response.status_code}")
    return (wall_seconds() - began) / n


async def measure(requests: int, rounds: int) -> tuple[float, float]:
    """Median seconds per request over `rounds`: (bare ASGI, Tab)."""
    reference = load_profile("reference-app")  # its [server] env keeps argon2 cheap
    app = in_process(reference, {})
    recorder = Recorder()
    with VirtualClock(recorder=recorder) as clock:
        target = Target.in_process(app, reference)
        profile = Profile(target, clock, recorder, user=reference.users[0])
        await profile.ready()
        tab = await profile.login()
        assert tab.token is not None
        bare = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://testserver",
            headers={"Authorization": f"Bearer {tab.token.value}"},
        )
        per_round = max(1, requests // rounds)
        await _per_request(lambda: bare.get(PATH), 50)  # warm both paths up
        await _per_request(lambda: tab.get(PATH), 50)
        bare_times, tab_times = [], []
        for _ in range(rounds):
            bare_times.append(await _per_request(lambda: bare.get(PATH), per_round))
            tab_times.append(await _per_request(lambda: tab.get(PATH), per_round))
            recorder.events.clear()  # keep memory flat; the events are not under test here
        await bare.aclose()
        await profile.aclose()
    return statistics.median(bare_times), statistics.median(tab_times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000, help="requests per client")
    parser.add_argument("--rounds", type=int, default=20, help="interleaved rounds")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.rounds < 1:
        print("error: --requests and --rounds must be positive", file=sys.stderr)
        return 2
    bare, tab = asyncio.run(measure(args.requests, args.rounds))
    ratio = tab / bare
    print(f"GET {PATH}, {args.requests} requests per client, median of {args.rounds} rounds")
    print(f"  bare httpx ASGITransport : {bare * 1e6:8.1f} µs/request")
    print(f"  harness Tab              : {tab * 1e6:8.1f} µs/request")
    verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
    print(f"  ratio Tab / bare         : {ratio:8.2f}x  (target <= {TARGET_RATIO}x: {verdict})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
