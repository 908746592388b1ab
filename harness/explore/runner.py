"""`run_explore`: search random schedules for one that sends an active user to login."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Verbosity, seed, settings
from hypothesis.database import DirectoryBasedExampleDatabase
from hypothesis.stateful import run_state_machine_as_test

from harness.app import AppUnderTest, ServerPool, in_process, started_signing_key
from harness.client import ClientOptions
from harness.explore.errors import STATE_DIR, ExploreError
from harness.explore.machine import machine_for
from harness.explore.minimise import minimise
from harness.explore.scenario import scenario_text
from harness.explore.search import BudgetSpent, Found, Search
from harness.target import ProfileError, TargetProfile, load_profile

MAX_STEPS = 10  # steps per example before Hypothesis starts the next one


@dataclass(frozen=True)
class Exploration:
    """What a search found (None: nothing), after how many examples and seconds."""

    found: Found | None
    examples: int
    seconds: float
    scenario: Path | None  # the reproduction written for `found`

    @property
    def exit_code(self) -> int:
        return 0 if self.found is None else 1

    def lines(self) -> list[str]:
        """The outcome in plain words: the shrunk schedule, one step a line."""
        done = f"{self.examples} schedules in {self.seconds:.1f} s"
        if self.found is None:
            return [f"no logout found ({done})"]
        steps = [f"  {n}. {step.words()}" for n, step in enumerate(self.found.steps, 1)]
        return [
            f"logout found after {self.found.after_seconds:.1f} s ({done}); shortest schedule:",
            *steps,
            f"  => the user is {self.found.logout.words()}",
            f"scenario written to {self.scenario}",
        ]


def run_explore(
    target: str,
    *,
    max_examples: int = 500,
    seconds: float = 60.0,
    shrink_seconds: float = 10.0,
    seed_value: int | None = None,
    options: ClientOptions | None = None,
    regressions: Iterable[str] = (),
    state_dir: Path | None = STATE_DIR,
    scenario: Path | None = None,
) -> Exploration:
    """Explore schedules of one user's tabs against `target` (a profile name or file).

    `state_dir` keeps Hypothesis' example database (None: none), so the next run of the
    same case starts from the schedules that failed; the reproduction goes to `scenario`
    (default: under `state_dir`, or the working directory). After a failure Hypothesis
    shrinks for at most `shrink_seconds`.
    """
    profile = _profile(target)
    names = frozenset(regressions)
    options = options or ClientOptions()
    with _apps(profile, {"regressions": names} if names else {}) as app:
        search = Search(app, options, seconds, shrink_seconds)
        machine = machine_for(search)
        if seed_value is not None:
            machine = seed(seed_value)(machine)
        case = _case_key(profile, options, names)
        database = None if state_dir is None else state_dir / "explore-db" / case
        try:
            run_state_machine_as_test(machine, settings=_settings(max_examples, database))
        except BudgetSpent:
            pass
        except Exception:
            # Hypothesis may call an example the budget cut short flaky; any other error
            # is not a logout but a bug of the harness or a crash of the app.
            if search.shortest is None and not search.spent:
                raise
        if search.shortest is not None:
            search.shortest = minimise(search, search.shortest)
    written = None
    if search.shortest is not None:
        written = scenario or (state_dir or Path()) / f"test_explore_{case}.py"
        written.parent.mkdir(parents=True, exist_ok=True)
        written.write_text(
            scenario_text(search.shortest, target=target, options=options, regressions=names)
        )
    return Exploration(search.shortest, search.examples, search.elapsed(), written)


def _profile(target: str) -> TargetProfile:
    try:
        return load_profile(target)
    except ProfileError as exc:
        raise ExploreError(str(exc).splitlines()[0]) from None


def _settings(max_examples: int, database: Path | None) -> settings:
    return settings(
        max_examples=max_examples,
        stateful_step_count=MAX_STEPS,
        deadline=None,
        database=None if database is None else DirectoryBasedExampleDatabase(database),
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        print_blob=False,
        report_multiple_bugs=False,
    )


@contextmanager
def _apps(
    profile: TargetProfile, overrides: dict[str, Any]
) -> Iterator[Callable[[], AppUnderTest]]:
    """A fresh in-process app for each example, or one server started from [server] command."""
    spec = profile.server
    if overrides and (spec is None or spec.settings_env_prefix is None):
        raise ExploreError(f"{profile.name}: regressions need [server] settings_env_prefix")
    key = started_signing_key(profile) if profile.access.signing_key_env else None
    if spec is not None and spec.asgi is not None:
        _app_or_error(lambda: in_process(profile, overrides))  # bad settings: fail before searching

        def fresh() -> AppUnderTest:
            app = in_process(profile, overrides)
            return AppUnderTest(profile, app=app, overrides=overrides, signing_key=key)

        yield fresh
        return
    if spec is None or spec.command is None:
        raise ExploreError(f"{profile.name}: explore needs a [server] asgi app or command")
    pool = ServerPool()
    try:
        server = _app_or_error(lambda: pool.get(profile, overrides))
        running = AppUnderTest(
            profile, base_url=server.base_url, overrides=overrides, signing_key=key, server=server
        )
        yield lambda: running
    finally:
        pool.stop_all()


def _app_or_error(start: Callable[[], Any]) -> Any:
    try:
        return start()
    except (ValueError, RuntimeError) as exc:  # pydantic's ValidationError is a ValueError
        first = str(exc).strip().splitlines()
        raise ExploreError(f"the app does not start: {first[-1] if first else exc}") from None


def _case_key(profile: TargetProfile, options: ClientOptions, regressions: frozenset[str]) -> str:
    """A file-name-safe key of one case: its database and its scenario are its own."""
    text = repr((options, sorted(regressions)))
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{re.sub(r'[^A-Za-z0-9]+', '_', profile.name)}_{digest}"
