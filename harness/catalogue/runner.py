"""Run the catalogue: each entry against the suites that should catch it, several at once.

A server entry runs the API suite, then the conformance checks only if the API suite missed
it, then the browser suite only if both missed it; a client entry runs the browser suite, and
the API suite first where the harness's own client can have the bug (the browser run then
starts with the browser variants of the scenarios that caught it). The clean app runs every
suite: a test that fails there catches nothing.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from harness._realtime import wall_seconds
from harness.catalogue.suites import STOPPING, SuiteCommand, SuiteRun, run_suite


class CatalogueError(Exception):
    """A usage problem (an unknown entry, no scenarios); `str()` is one line for a CLI."""


@dataclass(frozen=True)
class Entry:
    """A regression of the catalogue as the runner needs it."""

    name: str
    layer: str
    python_client: bool


@dataclass(frozen=True)
class Plan:
    """What to run: the API, browser and conformance suites (None leaves one out), how many
    at once, which suites' entry runs end at their first failing test (the clean app's never
    do), and where each entry remembers the tests that caught it (None: every run starts cold).
    """

    api: SuiteCommand | None
    browser: SuiteCommand | None
    jobs: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))
    stop_at_first: frozenset[str] = frozenset({"api", "browser", "conformance"})
    history: Path | None = None
    conformance: SuiteCommand | None = None

    def history_of(self, suite: str, regression: str | None) -> Path | None:
        if self.history is None or regression is None:
            return None
        return self.history / f"{suite}-{regression}"


@dataclass
class EntryResult:
    name: str
    layer: str
    runs: list[SuiteRun] = field(default_factory=list)
    caught_by: list[str] = field(default_factory=list)  # test ids, in the order found

    @property
    def caught(self) -> bool:
        return bool(self.caught_by)


@dataclass
class CatalogueResult:
    entries: list[EntryResult]
    clean: list[SuiteRun]
    seconds: float

    @property
    def clean_green(self) -> bool:
        return all(run.green for run in self.clean)

    @property
    def missed(self) -> list[EntryResult]:
        return [entry for entry in self.entries if not entry.caught]

    @property
    def exit_code(self) -> int:
        return 0 if self.clean_green and not self.missed else 1


def catalogue_entries(only: Sequence[str] | None = None) -> list[Entry]:
    """The reference app's regressions (all, or those named in `only`, in catalogue order)."""
    from reference_app.regressions import CATALOGUE

    entries = [Entry(r.name, r.layer, r.python_client) for r in CATALOGUE]
    if not only:
        return entries
    unknown = sorted(set(only) - {entry.name for entry in entries})
    if unknown:
        raise CatalogueError(
            f"unknown catalogue entry {', '.join(unknown)} (see docs/regressions.md)"
        )
    return [entry for entry in entries if entry.name in only]


Progress = Callable[[SuiteRun], None]


class _Scheduler:
    """A pool of `jobs` pytest processes; a finished API run may queue its browser run."""

    def __init__(self, plan: Plan, progress: Progress | None) -> None:
        self.plan = plan
        self.progress = progress
        self._pool = ThreadPoolExecutor(max_workers=plan.jobs, thread_name_prefix="catalogue")
        self._pending: list[Future[None]] = []
        self._lock = threading.Lock()

    def submit(
        self,
        command: SuiteCommand,
        regression: str | None,
        into: list[SuiteRun],
        then: Callable[[], None] | None = None,
        first: Sequence[str] = (),
    ) -> None:
        def job() -> None:
            early = regression is not None and command.suite in self.plan.stop_at_first
            history = self.plan.history_of(command.suite, regression)
            run = run_suite(command, regression, stop_at_first=early, history=history, first=first)
            with self._lock:
                into.append(run)
            if self.progress is not None:
                self.progress(run)
            if then is not None:
                then()

        with self._lock:
            self._pending.append(self._pool.submit(job))

    def wait(self) -> None:
        try:
            self._wait()
        except BaseException:  # an interrupt: queued suites must not start any more
            STOPPING.set()
            self._pool.shutdown(wait=False, cancel_futures=True)
            raise

    def _wait(self) -> None:
        while True:
            with self._lock:
                pending = [f for f in self._pending if not f.done()]
                if not pending:
                    done = list(self._pending)
                    break
            pending[0].result()
        for future in done:
            future.result()  # re-raise what a job raised
        self._pool.shutdown()


def run_catalogue(
    plan: Plan, only: Sequence[str] | None = None, *, progress: Progress | None = None
) -> CatalogueResult:
    """Run every entry (or those in `only`) and the clean app; see the module docstring."""
    entries = catalogue_entries(only)
    started = wall_seconds()
    scheduler = _Scheduler(plan, progress)
    clean: list[SuiteRun] = []
    results = [EntryResult(entry.name, entry.layer) for entry in entries]
    # Browser runs are the long ones: queued first, they do not end up alone at the end.
    for command in (plan.browser, plan.api, plan.conformance):
        if command is not None:
            scheduler.submit(command, None, clean)
    for entry, result in zip(entries, results, strict=True):
        _schedule(scheduler, entry, result)
    scheduler.wait()
    failing_clean = {test for run in clean for test in run.failed}
    for result in results:
        result.caught_by = [
            test for run in result.runs for test in run.failed if test not in failing_clean
        ]
    return CatalogueResult(results, clean, wall_seconds() - started)


def _schedule(scheduler: _Scheduler, entry: Entry, result: EntryResult) -> None:
    api, browser = scheduler.plan.api, scheduler.plan.browser
    if entry.layer == "client":
        if api is None or not entry.python_client:
            if browser is not None:
                scheduler.submit(browser, entry.name, result.runs)
            return

        def browser_after_api() -> None:
            # A scenario written once for both drivers that caught the harness's own client
            # with the bug is the first suspect in Chromium too.
            if browser is not None:
                caught = [test for run in result.runs for test in run.failed]
                scheduler.submit(browser, entry.name, result.runs, first=in_browser(caught))

        scheduler.submit(api, entry.name, result.runs, then=browser_after_api)
        return
    chain = [command for command in (api, scheduler.plan.conformance, browser) if command]
    _until_caught(scheduler, entry.name, result, chain)


def _until_caught(
    scheduler: _Scheduler, name: str, result: EntryResult, commands: Sequence[SuiteCommand]
) -> None:
    """Run `commands` one after another, each only while no run has caught the entry."""
    if not commands or any(run.failed for run in result.runs):
        return
    rest = commands[1:]
    scheduler.submit(
        commands[0], name, result.runs, then=lambda: _until_caught(scheduler, name, result, rest)
    )


_API_VARIANT = re.compile(r"\[api(?=[\]-])")


def in_browser(test_ids: Sequence[str]) -> list[str]:
    """The browser variants of API-driver test ids: `t[api-ahead]` → `t[browser-ahead]`."""
    return [_API_VARIANT.sub("[browser", test) for test in test_ids if _API_VARIANT.search(test)]


def suite_command(root: Path, suite: str, paths: Sequence[str] = (), *extra: str) -> SuiteCommand:
    """The `suite` ("api", "browser") of the scenarios under `root`, or only `paths` of it.

    A scenario written once for both drivers lives under scenarios/api and runs in the
    suite of each driver: the suite is chosen with `--suite`, over both folders. The suite's
    own folder comes first: its scenarios exist for what only that driver shows. Any other
    suite (conformance) is its own folder alone.
    """
    shared = ("api", "browser")
    names = (suite, *(name for name in shared if name != suite)) if suite in shared else (suite,)
    folders = [f"scenarios/{name}" for name in names if (root / "scenarios" / name).is_dir()]
    if not (root / "scenarios" / suite).is_dir():
        raise CatalogueError(f"no {suite} scenarios at {root / 'scenarios' / suite}")
    chosen = tuple(paths) or tuple(folders)
    return SuiteCommand(suite, chosen, root, ("--suite", suite, *extra))


def optional_suite(root: Path, suite: str, *extra: str) -> SuiteCommand | None:
    """The `suite` of the scenarios under `root`, None where they have no folder for it."""
    if not (root / "scenarios" / suite).is_dir():
        return None
    return suite_command(root, suite, (), *extra)
