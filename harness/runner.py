"""Run the acceptance suites in-process with pytest and write the report (`session-harness run`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rich.console import Console

from harness.report.model import RunResult
from harness.report.progress import ProgressPlugin
from harness.report.terminal import print_summary
from harness.story import SUITE_CHOICES, SUITES
from harness.target import ProfileError, TargetProfile, load_profile

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
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
class RunOutcome:
    exit_code: int
    run: RunResult | None
    report_dir: Path | None

    @property
    def index_html(self) -> Path | None:
        return None if self.report_dir is None else self.report_dir / "index.html"


def find_scenarios(explicit: Path | None = None) -> Path:
    """The scenarios directory: `explicit`, else ./scenarios, else the one beside the package."""
    if explicit is not None:
        if not explicit.is_dir():
            raise ConfigError(f"scenarios directory not found: {explicit}")
        return explicit
    beside_package = Path(__file__).resolve().parent.parent / "scenarios"
    for candidate in (Path.cwd() / "scenarios", beside_package):
        if candidate.is_dir():
            return candidate
    raise ConfigError(
        "no scenarios directory in the current directory or the project; "
        "run from the project root or pass --scenarios DIR"
    )


def suite_paths(root: Path, suite: str) -> list[Path]:
    if suite not in SUITE_CHOICES:
        raise ConfigError(f"unknown suite {suite!r} (choose from {', '.join(SUITE_CHOICES)})")
    if suite != "all":
        path = root / suite
        if not path.is_dir():
            raise ConfigError(f"scenarios directory not found: {path}")
        return [path]
    paths = [root / s for s in SUITES if (root / s).is_dir()]
    if not paths:
        raise ConfigError(f"no {', '.join(SUITES)} scenarios under {root}")
    return paths


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


def _pytest_args(
    paths: Sequence[Path],
    report_dir: Path,
    keyword: str | None,
    base_url: str | None,
    extra: Sequence[str],
    target: str | None = None,
) -> list[str]:
    args = [*map(str, paths), "--harness-report", str(report_dir), "-p", "no:terminal", *PYTEST_INI]
    if keyword:
        args += ["-k", keyword]
    if base_url:
        args += ["--base-url", base_url]
    if target:
        args += ["--target", target]
    return [*args, *extra]


def _exit_code(code: int, progress: ProgressPlugin) -> int:
    if code == pytest.ExitCode.OK:
        return EXIT_OK
    if code == pytest.ExitCode.TESTS_FAILED or progress.collect_errors:
        return EXIT_FAILED
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        raise ConfigError("no scenario matched the selection (check -k and --suite)")
    return EXIT_USAGE  # pytest already printed its usage or internal error


def run(
    *,
    suite: str = "all",
    report_dir: Path = Path("reports"),
    keyword: str | None = None,
    base_url: str | None = None,
    scenarios_dir: Path | None = None,
    extra_args: Sequence[str] = (),
    console: Console | None = None,
    target: str | None = None,
) -> RunOutcome:
    """Run the suite, print progress and the AC matrix, write the report.

    Raises ConfigError for a bad suite, an unreachable `base_url` or a missing directory.
    """
    console = console or Console()
    paths = suite_paths(find_scenarios(scenarios_dir), suite)
    profile = load_target(target) if target else None
    if base_url:
        check_target(base_url)
    elif profile is not None and profile.server is None and profile.base_url:
        check_target(profile.base_url)
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create the report directory {report_dir}: {exc}") from None
    progress = ProgressPlugin(console)
    code = pytest.main(
        _pytest_args(paths, report_dir, keyword, base_url, extra_args, target), plugins=[progress]
    )
    exit_code = _exit_code(int(code), progress)
    if progress.run is not None and exit_code != EXIT_USAGE:
        print_summary(progress.run, console)
    if progress.report_dir is not None:
        console.print(f"report: {progress.report_dir / 'index.html'}", highlight=False)
    return RunOutcome(exit_code, progress.run, progress.report_dir)
