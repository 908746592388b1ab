"""Locust users that behave like browsers: one user is one browser profile with its tabs.

Loaded only by the `locust` command (never import it into a pytest or Playwright process):
`harness.load.runner` writes the storm's plan and starts Locust with this file.

- `BrowserProfileUser`: signs in (the profile's login, or a session the app mints in bulk),
  opens N tabs whose timers follow docs/refresh-algorithm.md through `harness.core`, and
  acts now and then as its fate says (active users act; idle ones stop; expired ones leave
  and come back after their refresh token expired).
- The coordinator (master or lone process) moves the app's clock through the storm's
  steps; workers report their tally to it; it computes the figures and gates the run.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import gevent
from locust import events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner

from harness.load.coordinator import (
    CLOCK_MESSAGE,
    TALLY_MESSAGE,
    Coordinator,
    apply,
    report_tally,
)
from harness.load.figures import Limits
from harness.load.plan import STEADY_STEPS, StormPlan
from harness.load.process import ProcessState
from harness.load.provision import SessionPool, SignInFailed, from_pool, log_in
from harness.load.tabs import StormProfile
from harness.load.wire import LocustWire
from harness.target import load_profile

_PROCESS = "storm_process"
_POOL = "storm_pool"
_COORDINATOR = "storm_coordinator"


@events.init_command_line_parser.add_listener
def _add_arguments(parser: Any) -> None:
    group = parser.add_argument_group("session-harness storm")
    group.add_argument("--storm-plan", default="", help="the storm (JSON, written by the runner)")
    group.add_argument("--storm-out", default="", help="where the master writes the figures")
    group.add_argument("--max-false-logouts", type=int, default=0)
    group.add_argument("--max-amplification", type=float, default=1.05)
    group.add_argument("--max-p99-ms", type=float, default=0.0, help="0: no limit")


def process_of(environment: Environment) -> ProcessState:
    found: ProcessState = getattr(environment, _PROCESS)
    return found


@events.test_start.add_listener
def _test_start(environment: Environment, **_: Any) -> None:
    """Every process (workers once the master's options arrived) builds its share."""
    options: Any = environment.parsed_options
    plan = StormPlan.from_json(options.storm_plan)
    process = ProcessState.of(plan, load_profile(plan.target))
    setattr(environment, _PROCESS, process)
    if plan.bulk_path is not None:
        setattr(environment, _POOL, SessionPool(process, plan.bulk_path))
    runner = environment.runner
    if isinstance(runner, WorkerRunner):
        runner.register_message(
            CLOCK_MESSAGE, lambda environment, msg, **_: apply(process, msg.data)
        )
        gevent.spawn(report_tally, environment, process)
        return
    limits = Limits(options.max_false_logouts, options.max_amplification, options.max_p99_ms)
    out = Path(options.storm_out) if options.storm_out else None
    coordinator = Coordinator(environment, process, limits, out)
    setattr(environment, _COORDINATOR, coordinator)
    if isinstance(runner, MasterRunner):
        runner.register_message(TALLY_MESSAGE, coordinator.on_tally)
        environment.events.worker_report.add_listener(coordinator.on_stats)
    gevent.spawn(coordinator.run)


@events.quitting.add_listener
def _quitting(environment: Environment, **_: Any) -> None:
    """Locust stopped before the storm ended (its run time ran out): figures all the same."""
    coordinator: Coordinator | None = getattr(environment, _COORDINATOR, None)
    if coordinator is not None:
        coordinator.conclude()


class BrowserProfileUser(FastHttpUser):
    """One browser profile of one user, with its tabs."""

    concurrency = 4  # connections per profile: tabs send in parallel, as a browser does
    # geventhttpclient sends an idempotent request again on a connection closed under it;
    # harness.load.wire does the same for the others, as a browser does.
    max_retries = 1

    def wait_time(self) -> float:
        return random.uniform(0.5, 1.5) * process_of(self.environment).plan.think_s

    def on_start(self) -> None:
        process = process_of(self.environment)
        plan = process.plan
        index = process.next_index()
        users = process.target.users
        wire = LocustWire(self.client, process.faults, process.tally)
        self.profile = StormProfile(
            process,
            wire,
            fate=plan.fate_of(index),
            user=users[index % len(users)],
            tabs=plan.tabs,
        )
        self.timers: list[gevent.Greenlet] = []
        process.profiles.append(self.profile)
        process.tally.add("profiles")
        if plan.shape == "steady":  # profiles sign in spread over the first lifetime
            while process.clock.admitted < index % STEADY_STEPS:
                gevent.sleep(0.1)
        self._sign_in(process, wire, index)

    def _sign_in(self, process: ProcessState, wire: LocustWire, index: int) -> None:
        pool: SessionPool | None = getattr(self.environment, _POOL, None)
        user = self.profile.user
        try:
            if pool is None or index < process.plan.login_sample:
                reply = log_in(process, wire, user)
            else:
                reply = from_pool(pool, process, wire, user)
            self.profile.start_session(reply)
        except SignInFailed as exc:
            process.tally.add("sign_in_failed")
            process.tally.reasons[str(exc)] += 1
            self.profile.open = False
            return
        process.tally.signed_in(time.time())
        if self.profile.fate == "expired":
            self.profile.go_away()
        self.timers = [gevent.spawn(tab.run_timer) for tab in self.profile.tabs]

    @task
    def act(self) -> None:
        if self.profile.fate == "active":
            self.profile.act(f"{random.randint(1, 99)}+{random.randint(1, 99)}")

    def on_stop(self) -> None:
        self.profile.open = False
        gevent.killall(self.timers, block=False)
