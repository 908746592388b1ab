"""Refresh amplification in Chromium: refresh requests per profile per access-token lifetime.

    .venv/bin/python benchmarks/refresh_amplification.py [--profiles 2] [--tabs 5] [--lifetimes 3]

Every tab of every profile is active (a click each minute, a chat from one tab per profile
each minute) until each profile's token was renewed `--lifetimes` times; every page timer
fires in order (run_for). A renewal is a burst of refresh requests of one profile (requests
less than a minute apart); one lifetime ends in one renewal. Single flight across the tabs
gives exactly 1.00 request per lifetime; tabs refreshing on their own give up to one per tab.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass
from datetime import timedelta

from harness._realtime import wall_seconds
from harness.browser import BrowserProfile, BrowserSession
from harness.clock import RemoteServerClock, VirtualClock
from harness.events import Recorder, RedirectToLogin, RequestSent
from harness.server import AppServer
from harness.target import load_profile

REFERENCE = load_profile("reference-app")

# A short token keeps the run quick; the ratio does not depend on the TTL.
ACCESS_TTL_S, THRESHOLD_S = 300, 60
STEP = timedelta(minutes=1)
BURST_GAP = timedelta(minutes=1)
SERVER_ENV = {
    "REFAPP_ACCESS_TTL_SECONDS": str(ACCESS_TTL_S),
    "REFAPP_REFRESH_THRESHOLD_SECONDS": str(THRESHOLD_S),
    "REFAPP_WARNING_LEAD_SECONDS": "30",
    "REFAPP_PASSWORD_HASH_MEMORY_KIB": "8",
    "REFAPP_PASSWORD_HASH_TIME_COST": "1",
}
TARGET = 1.0


@dataclass(frozen=True)
class Result:
    requests: dict[str, int]
    renewals: dict[str, int]
    minutes: int
    redirects: int
    wall_s: float


def renewals(recorder: Recorder, profile: str) -> int:
    """Bursts of the profile's refresh requests: each starts over a minute after the last."""
    times = sorted(
        e.at
        for e in recorder.of_kind(RequestSent)
        if e.purpose == "refresh" and e.profile == profile
    )
    return sum(1 for i, at in enumerate(times) if i == 0 or at - times[i - 1] > BURST_GAP)


async def open_profile(session: BrowserSession, user: str, tabs: int) -> BrowserProfile:
    profile = await session.new_profile(user)
    first = await profile.new_tab("/login")
    account = REFERENCE.user(user)
    await first.login(account.identifier, account.secret())
    await asyncio.gather(*(profile.new_tab("/") for _ in range(tabs - 1)))
    return profile


async def minute_of_work(profile: BrowserProfile, minute: int) -> None:
    await asyncio.gather(*(tab.activity() for tab in profile.tabs))
    tab = profile.tabs[minute % len(profile.tabs)]
    reply = await tab.chat(f"{minute}+1")
    if reply != str(minute + 1):
        raise RuntimeError(f"{tab}: unexpected reply {reply!r}")


async def one_minute(clock: VirtualClock, profiles: list[BrowserProfile], minute: int) -> None:
    await asyncio.gather(*(minute_of_work(p, minute) for p in profiles))
    await clock.advance(STEP)  # run_for: every timer of every tab in order


async def measure(profiles: int, tabs: int, lifetimes: int, regressions: str = "") -> Result:
    users = [u.name for u in REFERENCE.users][:profiles]
    # A token lives at most ACCESS_TTL_S: this many minutes always holds enough renewals.
    budget = 2 + lifetimes * ACCESS_TTL_S // 60
    recorder = Recorder()
    env = {**SERVER_ENV, "REFAPP_REGRESSIONS": regressions}
    async with AppServer(env, access_log=False) as server:
        remote = RemoteServerClock(server.base_url)
        clock = VirtualClock(recorder=recorder, server=remote)
        await remote.set(clock.now())
        async with BrowserSession(server, clock, recorder) as session:
            opened = [await open_profile(session, user, tabs) for user in users]
            began = wall_seconds()
            minute = 0
            while minute < budget and min(renewals(recorder, u) for u in users) < lifetimes:
                await one_minute(clock, opened, minute)
                minute += 1
            await one_minute(clock, opened, minute)  # catches a late duplicate request
            minute += 1
            wall = wall_seconds() - began
            requests = {p.name: p.refresh_request_count for p in opened}
        await remote.aclose()
    seen = {user: renewals(recorder, user) for user in users}
    return Result(requests, seen, minute, recorder.count(RedirectToLogin), wall)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=2, help=f"1..{len(REFERENCE.users)}")
    parser.add_argument("--tabs", type=int, default=5, help="tabs per profile")
    parser.add_argument("--lifetimes", type=int, default=3, help="access-token lifetimes")
    parser.add_argument(
        "--regressions",
        default="",
        metavar="NAMES",
        help="REFAPP_REGRESSIONS for a contrast run, e.g. per_tab_lock",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.profiles <= len(REFERENCE.users) or args.tabs < 1 or args.lifetimes < 1:
        print(
            f"error: --profiles must be 1..{len(REFERENCE.users)}; "
            "--tabs and --lifetimes at least 1",
            file=sys.stderr,
        )
        return 2
    result = asyncio.run(measure(args.profiles, args.tabs, args.lifetimes, args.regressions))
    print(
        f"{args.profiles} profiles x {args.tabs} tabs, access token {ACCESS_TTL_S} s "
        f"(refreshed {THRESHOLD_S} s early), {result.minutes} virtual minutes in "
        f"{result.wall_s:.1f} s wall, redirects to login: {result.redirects}"
    )
    ratios = {}
    for name, count in result.requests.items():
        lived = result.renewals[name]
        ratios[name] = count / lived if lived else float("inf")
        print(
            f"  {name:<8} {count:>3} refresh requests / {lived} lifetimes = "
            f"{ratios[name]:.2f} per lifetime"
        )
    ok = (
        all(ratio == TARGET for ratio in ratios.values())
        and result.redirects == 0
        and min(result.renewals.values()) >= args.lifetimes
    )
    print(f"target {TARGET:.2f} per lifetime, no redirect: {'ok' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
