"""A week of continuous activity: one request a minute for 7 virtual days, zero redirects.

    .venv/bin/python benchmarks/week_of_activity.py [--days N]

10,080 clock steps of 60 s (each firing the tab's 30 s refresh timer twice), one GET after
each, against the in-process reference app with its default settings.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from datetime import timedelta

from harness._realtime import wall_seconds
from harness.app import in_process
from harness.client import Profile, Target
from harness.clock import VirtualClock
from harness.events import Recorder
from harness.target import load_profile

TARGET_SECONDS = 30.0


async def simulate(days: int) -> tuple[float, Counter[str], int]:
    """(wall seconds, event counts, non-200 responses) for `days` of one request a minute."""
    reference = load_profile("reference-app")  # its [server] env keeps argon2 cheap
    app = in_process(reference, {})
    recorder = Recorder()
    failures = 0
    with VirtualClock(recorder=recorder) as clock:
        target = Target.in_process(app, reference)
        profile = Profile(target, clock, recorder, user=reference.users[0])
        await profile.ready()
        tab = await profile.login()
        began = wall_seconds()
        for _ in range(days * 24 * 60):
            await clock.advance(timedelta(minutes=1))
            response = await tab.probe()
            failures += response.status_code != 200
        elapsed = wall_seconds() - began
        await profile.aclose()
    return elapsed, Counter(event.kind for event in recorder), failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args(argv)
    if args.days < 1:
        print("error: --days must be at least 1", file=sys.stderr)
        return 2
    elapsed, kinds, failures = asyncio.run(simulate(args.days))
    steps = args.days * 24 * 60
    print(f"{args.days} virtual days, {steps} steps of 60 s, one GET per step")
    print(f"  wall time          : {elapsed:6.1f} s ({elapsed / steps * 1e3:.2f} ms/step)")
    print(f"  refreshes          : {kinds['refresh_succeeded']} (rotations {kinds['rotation']})")
    print(f"  401s / redirects   : {kinds['unauthorized']} / {kinds['redirect_to_login']}")
    print(f"  non-200 responses  : {failures}")
    ok = (
        elapsed < TARGET_SECONDS * args.days / 7 and not kinds["redirect_to_login"] and not failures
    )
    print(f"  target < {TARGET_SECONDS:.0f} s per week, zero redirects: {'ok' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
