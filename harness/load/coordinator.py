"""The storm's one coordinator: it moves the app's clock, announces phases, ends the storm.

It runs once, in the Locust master (or in the only process when Locust runs alone), never
in the users: the app's test clock is one per server process, so one driver moves it and
every Locust process hears the new time as a message. Workers send their tally back; the
coordinator adds them up, computes the figures once, gates, and stops Locust.

Loaded only in the Locust process.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gevent
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner

from harness.load.figures import LOGIN_NAME, REFRESH_NAMES, Latency, Limits, StormFigures, gate
from harness.load.plan import (
    Admit,
    AwaitHerd,
    Fault,
    Hold,
    Move,
    Provision,
    Step,
    Verdict,
    Wake,
)
from harness.load.process import ProcessState
from harness.load.tally import Tally

logger = logging.getLogger("harness.load")
CLOCK_MESSAGE = "storm_clock"
TALLY_MESSAGE = "storm_tally"
POLL_S = 0.2
PROVISION_TIMEOUT_S = 180.0
VERDICT_TIMEOUT_S = 30.0
FINAL_REPORT_TIMEOUT_S = 8.0  # a worker reports its stats every 3 s


def apply(process: ProcessState, news: dict[str, Any]) -> None:
    """What a process does when the coordinator announces something (in every process)."""
    clock = process.clock
    clock.offset_s = float(news["offset"])
    clock.phase = news["phase"]
    clock.lifetime = int(news["lifetime"])
    clock.admitted = int(news["admitted"])
    clock.started_at = float(news["started_at"])
    if news.get("due"):
        for profile in process.profiles:
            profile.due(int(news["due"]))
    process.tally.heard = clock.lifetime
    if news.get("fault"):
        kind, seconds = news["fault"]
        process.faults.start(kind, float(seconds))
    if news.get("wake"):
        for profile in process.profiles:
            if profile.away:
                profile.come_back()
                gevent.spawn(profile.act, "back again")
    if news.get("verdict"):
        for profile in process.profiles:
            profile.judge_end()
        process.tally.judged = True


@dataclass
class Coordinator:
    environment: Environment
    process: ProcessState
    limits: Limits
    out: Path | None = None
    worker_tallies: dict[str, Tally] = field(default_factory=dict)
    worker_reports: dict[str, float] = field(default_factory=dict)  # last stats report (wall)
    news: dict[str, Any] = field(default_factory=dict)
    figures: StormFigures | None = None

    def __post_init__(self) -> None:
        self.news = {
            "offset": 0.0,
            "lifetime": 0,
            "phase": "provision",
            "admitted": -1,
            "started_at": time.time(),
        }

    @property
    def distributed(self) -> bool:
        return isinstance(self.environment.runner, MasterRunner)

    def tally(self) -> Tally:
        if self.distributed:
            return Tally.merged(list(self.worker_tallies.values()))
        return self.process.tally

    # -- the storm ------------------------------------------------------------------------

    def run(self) -> None:
        try:
            if self.process.plan.clock == "endpoint":
                self.news["offset"] = self._clock()
            self.announce()
            for step in self.process.plan.steps():
                self.execute(step)
        except Exception:  # the storm cannot go on: end it, its figures say it was cut short
            logger.exception("the storm coordinator stopped")
        self.finish()

    def announce(self, **once: Any) -> None:
        news = {**self.news, **once}
        apply(self.process, news)
        if self.distributed:
            self.environment.runner.send_message(CLOCK_MESSAGE, news)  # type: ignore[union-attr]

    def execute(self, step: Step) -> None:
        plan = self.process.plan
        if isinstance(step, Provision):
            self._until(
                lambda t: t.counts["signed_in"] + t.counts["sign_in_failed"] >= plan.profiles,
                PROVISION_TIMEOUT_S,
            )
        elif isinstance(step, Admit):
            self.news["admitted"] = step.share
            self.announce()
        elif isinstance(step, Move):
            self._move(step)
        elif isinstance(step, AwaitHerd):
            self._until(
                lambda t: t.heard >= step.lifetime and t.pending[step.lifetime] <= 0,
                step.timeout_s,
            )
        elif isinstance(step, Hold):
            self.news["phase"] = step.phase
            self.announce()
            gevent.sleep(step.seconds)
        elif isinstance(step, Fault):
            self.announce(fault=[step.kind, step.seconds])
        elif isinstance(step, Wake):
            self.announce(wake=True)
        elif isinstance(step, Verdict):
            self.news["phase"] = "verdict"
            self.announce(verdict=True)
            self._until(lambda t: t.judged, VERDICT_TIMEOUT_S)

    def _move(self, step: Move) -> None:
        if self.process.plan.clock == "endpoint":
            self.news["offset"] = self._clock({"advance_seconds": step.seconds})
        else:
            gevent.sleep(step.seconds)  # real mode: the app's own time has to pass
        steady = self.process.plan.shape == "steady"
        self.news["lifetime"] = step.lifetime
        self.news["phase"] = "steady" if steady else "herd"
        self.announce(due=None if steady else step.lifetime)

    def _until(self, done: Any, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if done(self.tally()):
                return True
            gevent.sleep(POLL_S)
        logger.warning("storm: gave up waiting after %.0f s", timeout_s)
        return False

    def _clock(self, move: dict[str, float] | None = None) -> float:
        """The app's test clock (docs/test-clock.md): read it, or move it; its offset."""
        target = self.process.target
        host = (self.environment.host or "").rstrip("/")
        request = urllib.request.Request(
            host + target.clock.path,
            data=json.dumps(move).encode() if move is not None else None,
            headers={"Content-Type": "application/json", **target.headers},
            method="POST" if move is not None else "GET",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return float(json.load(response)["offset_seconds"])

    # -- the end --------------------------------------------------------------------------

    def finish(self) -> None:
        runner = self.environment.runner
        assert runner is not None
        stopped = time.time()
        runner.stop()
        if isinstance(runner, MasterRunner):
            # The last stats of every worker, sent after its users stopped; and every worker
            # back in the master's list (ready again), so that the quit reaches it.
            workers = set(self.worker_tallies)
            deadline = time.monotonic() + FINAL_REPORT_TIMEOUT_S
            while time.monotonic() < deadline and (
                any(self.worker_reports.get(worker, 0) <= stopped for worker in workers)
                or not workers <= {client.id for client in runner.clients.all}
            ):
                gevent.sleep(POLL_S)
        self.conclude()
        runner.quit()

    def conclude(self) -> StormFigures:
        """Compute the figures once, write them, set Locust's exit code from the gate."""
        if self.figures is not None:
            return self.figures
        plan = self.process.plan
        stats = self.environment.stats
        self.figures = StormFigures.compute(
            shape=plan.shape,
            profiles=plan.profiles,
            tabs=plan.tabs,
            lifetimes=plan.lifetimes,
            tally=self.tally(),
            started_at=float(self.news["started_at"]),
            login=latency(stats, LOGIN_NAME),
            refresh={phase: latency(stats, name) for phase, name in REFRESH_NAMES.items()},
            requests=int(stats.total.num_requests),
        )
        if self.out is not None:
            self.out.write_text(json.dumps(self.figures.to_dict(), indent=1))
        breaches = gate(self.figures, self.limits)
        self.environment.process_exit_code = 1 if breaches else 0
        for breach in breaches:
            logger.error("storm gate: %s", breach)
        return self.figures

    # -- messages from workers ------------------------------------------------------------

    def on_tally(self, environment: Environment, msg: Any, **_: Any) -> None:
        self.worker_tallies[msg.node_id] = Tally.from_dict(msg.data)

    def on_stats(self, client_id: str, data: dict[str, Any]) -> None:
        self.worker_reports[client_id] = time.time()


def latency(stats: Any, name: str) -> Latency:
    """Locust's own figures for the requests named `name` (any method)."""
    entries = [entry for (n, _), entry in stats.entries.items() if n == name]
    if not entries:
        return Latency()
    entry = max(entries, key=lambda e: e.num_requests)
    if not entry.num_requests:
        return Latency()
    return Latency(
        requests=entry.num_requests,
        failures=entry.num_failures,
        p50_ms=float(entry.get_response_time_percentile(0.5)),
        p95_ms=float(entry.get_response_time_percentile(0.95)),
        p99_ms=float(entry.get_response_time_percentile(0.99)),
    )


def report_tally(environment: Environment, process: ProcessState) -> None:
    """A worker's greenlet: its whole tally to the master, every second."""
    runner = environment.runner
    assert isinstance(runner, WorkerRunner)
    while True:
        runner.send_message(TALLY_MESSAGE, process.tally.to_dict())
        gevent.sleep(1.0)
