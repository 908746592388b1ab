"""Run the acceptance suites with pytest in this process and write the report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rich.console import Console
from rich.markup import escape

import harness
from harness.exit_codes import ExitCode
from harness.interrupts import SignalGuard
from harness.processes import ChildSweep
from harness.report.journal import JournalWriter
from harness.report.model import RunResult
from harness.report.outcome import PYTEST_USAGE_ERROR
from harness.report.progress import ProgressPlugin
from harness.report.recovery import write_recovered
from harness.report.terminal import print_summary
from harness.story import SUITE_CHOICES, Story, StoryError, default_story, load_story
from harness.target import ProfileError, TargetProfile, load_profile

BUILTIN = "builtin"
BROWSER_SUITES = frozenset({"browser", "all"})
BUILTIN_INI = "builtin-scenarios.ini"
# Scenarios are plain `async def` tests; these hold wherever the scenarios directory lives.
PYTEST_INI = (
    "-o",
    "asyncio_mode=auto",
    "-o",
    "asyncio_default_fixture_loop_scope=function",
    # A project's addopts may hold terminal options (-ra) that fail without the
    # terminal plugin, which the runner replaces with its own progress.
    "-o",
    "addopts=--strict-markers --import-mode=importlib",
    # In-process, modules that pytest plugins would rewrite (anyio's, via httpx) may
    # already be imported; that is expected here, not an error.
    "-W",
    "ignore::pytest.PytestAssertRewriteWarning",
)


class ConfigError(Exception):
    """A usage or configuration problem; `str()` is one line fit for a CLI."""


@dataclass(frozen=True)
class RunOptions:
    """What `session-harness run` takes; each field maps to one pytest or plugin option."""

    suite: str = "all"
    report_dir: Path = Path("reports")
    keyword: str | None = None  # -k
    markers: str | None = None  # -m
    criteria: tuple[str, ...] = ()  # --ac
    base_url: str | None = None
    target: str | None = None  # a target profile file, or a bundled profile's name
    scenarios: str | Path | None = None  # a directory or "builtin"; None: ./scenarios or builtin
    story: Path | None = None
    strict: bool = False
    workers: str | None = None  # pytest-xdist -n: a number or "auto"
    junitxml: Path | None = None
    extra_args: tuple[str, ...] = ()  # passed to pytest as they are


@dataclass(frozen=True)
class RunOutcome:
    exit_code: int
    run: RunResult | None
    report_dir: Path | None

    @property
    def index_html(self) -> Path | None:
        return None if self.report_dir is None else self.report_dir / "index.html"


def builtin_scenarios() -> Path:
    """The scenarios shipped in the package (in a checkout: the repository's `scenarios/`)."""
    package = Path(harness.__file__).resolve().parent
    if (package / "scenarios").is_dir():
        return package / "scenarios"
    checkout = package.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "scenarios").is_dir():
        return checkout / "scenarios"
    raise ConfigError("the bundled scenarios are missing from this installation")


def find_scenarios(choice: str | Path | None = None) -> Path:
    """`choice` (a directory, or "builtin"); by default ./scenarios, else the bundled ones."""
    if choice is None:
        local = Path.cwd() / "scenarios"
        return local if local.is_dir() else builtin_scenarios()
    if str(choice) == BUILTIN:
        return builtin_scenarios()
    path = Path(choice)
    if not path.is_dir():
        raise ConfigError(f"scenarios directory not found: {path}")
    return path


def check_target(base_url: str, timeout: float = 5.0) -> None:
    """The server answers at all (any HTTP status); otherwise a ConfigError saying why.

    A missing test clock is not an error: the scenarios that need one are not applicable.
    """
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError(f"--base-url must start with http:// or https://, got {base_url!r}")
    try:
        httpx.get(base_url, timeout=timeout)
    except httpx.HTTPError as exc:
        raise ConfigError(f"cannot reach {base_url}: {exc or type(exc).__name__}") from None


def load_target(spec: str) -> TargetProfile:
    """The target profile, or a ConfigError with one line per problem."""
    try:
        return load_profile(spec)
    except ProfileError as exc:
        raise ConfigError(str(exc)) from None


def _config_args(root: Path, report_dir: Path) -> list[str]:
    """The bundled scenarios get their own pytest config, not the one of the folder around them
    (a virtualenv inside a project would otherwise lend them the project's), and keep
    pytest's cache beside the reports rather than inside the installed package."""
    try:
        bundled = builtin_scenarios()
    except ConfigError:
        return []
    if root.resolve() != bundled:
        return []
    ini = Path(harness.__file__).resolve().parent / BUILTIN_INI
    cache = report_dir / ".pytest_cache"
    return ["-c", str(ini), "--rootdir", str(root), "-o", f"cache_dir={cache.resolve()}"]


def pytest_args(options: RunOptions, root: Path) -> list[str]:
    args = [str(root), "--harness-report", str(options.report_dir), "-p", "no:terminal"]
    args += [*PYTEST_INI, "--suite", options.suite, *_config_args(root, options.report_dir)]
    valued = (
        ("-k", options.keyword),
        ("-m", options.markers),
        ("--base-url", options.base_url),
        ("--target", options.target),
        ("--story", options.story),
        ("-n", options.workers),
        ("--junitxml", options.junitxml),
    )
    args += [part for flag, value in valued if value for part in (flag, str(value))]
    args += [part for ac in options.criteria for part in ("--ac", ac)]
    if options.strict:
        args.append("--harness-strict")
    return [*args, *options.extra_args]


def _check(options: RunOptions) -> None:
    if options.suite not in SUITE_CHOICES:
        raise ConfigError(
            f"unknown suite {options.suite!r} (choose from {', '.join(SUITE_CHOICES)})"
        )
    if options.story is not None:
        try:
            load_story(options.story)
        except StoryError as exc:
            raise ConfigError(str(exc)) from None
    profile = load_target(options.target) if options.target else None
    if options.base_url:
        check_target(options.base_url)
    elif profile is not None and profile.server is None and profile.base_url:
        check_target(profile.base_url)
    if profile is not None and profile.browser is not None and options.suite in BROWSER_SUITES:
        check_browser_target(profile, options.base_url)
    try:
        options.report_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"cannot create the report directory {options.report_dir}: {exc}"
        ) from None


def check_browser_target(profile: TargetProfile, base_url: str | None) -> None:
    """The profile's pages load and its `[browser]` locators find them (one sign-in)."""
    from harness.browser.preflight import PagesUnusable, check_pages
    from harness.conformance.preflight import located

    with located(profile, base_url) as where:
        try:
            check_pages(profile, where.base_url)
        except PagesUnusable as exc:
            raise ConfigError(f"{profile.name}: {exc}") from None


def _pytest_main(args: Sequence[str], plugins: Sequence[object], console: Console) -> int:
    """pytest.main, then stop whatever the run left running (the safety net behind fixtures)."""
    sweep = ChildSweep()
    try:
        return int(pytest.main(list(args), plugins=list(plugins)))
    finally:
        stopped = sweep.stop()
        if stopped:
            console.print(
                f"[yellow]stopped {len(stopped)} processes the run left behind:[/] "
                + escape("; ".join(stopped)),
                highlight=False,
            )


def prepare(options: RunOptions) -> list[str]:
    """Check the options (a ConfigError says what is wrong) and return pytest's arguments."""
    root = find_scenarios(options.scenarios)
    _check(options)
    return pytest_args(options, root)


def run_story(options: RunOptions) -> Story:
    """The story the run traces (the default one when its file is unreadable)."""
    try:
        return load_story(options.story) if options.story else default_story()
    except StoryError:
        return default_story()


def execute(
    options: RunOptions, args: Sequence[str], console: Console, journal: Path | None = None
) -> RunOutcome:
    """Run pytest with `args` (from `prepare`), print the verdict; `journal`: where to log
    each step as it happens, for a supervising process to read."""
    progress = ProgressPlugin(console)
    writer = JournalWriter(journal)
    try:
        with SignalGuard():
            code = _pytest_main(args, [progress, writer], console)
    finally:
        writer.close()
    finished = progress.run
    if finished is None and writer.journal.conftest_error is not None:
        finished = write_recovered(writer.journal, options.report_dir, run_story(options))
        progress.report_dir = writer.journal.report_dir or options.report_dir / finished.run_id
    exit_code: int
    if finished is not None and finished.outcome is not None:
        print_summary(finished, console)
        exit_code = finished.outcome.exit_code
    else:  # pytest stopped before the run began and has said why
        exit_code = ExitCode.USAGE if code == PYTEST_USAGE_ERROR else ExitCode.FAILED
    if progress.report_dir is not None:
        console.print(f"report: {progress.report_dir / 'index.html'}", highlight=False)
    return RunOutcome(exit_code, finished, progress.report_dir)


def run(options: RunOptions | None = None, console: Console | None = None) -> RunOutcome:
    """Run the suite in this process, print progress and the AC matrix, write the report.

    Raises ConfigError for a bad suite or story, an unreachable `base_url` or a missing
    directory; `Terminated` when a signal arrives outside pytest (inside, it ends the run).
    `harness.supervisor.supervise` runs it in a child process instead, so that a test
    ending its process cannot take the verdict with it.
    """
    options = options or RunOptions()
    return execute(options, prepare(options), console or Console())
