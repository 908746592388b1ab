"""The `run` command's options: the command line mapped onto `harness.runner.RunOptions`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.exit_codes import help_table
from harness.story import SUITE_CHOICES

if TYPE_CHECKING:
    from harness.runner import RunOptions

EPILOG = f"""\
Options after `--` go to pytest as they are: session-harness run -- -x --maxfail 2

{help_table()}
"""


def add_run_command(commands: Any) -> argparse.ArgumentParser:
    """The `run` sub-command on `commands` (argparse's sub-parsers object)."""
    cmd: argparse.ArgumentParser = commands.add_parser(
        "run",
        help="run the acceptance suites and write the report",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("--suite", choices=SUITE_CHOICES, default="all")
    cmd.add_argument("--report-dir", type=Path, default=Path("reports"), metavar="DIR")
    cmd.add_argument("-k", metavar="EXPR", help="only scenarios matching this expression")
    cmd.add_argument("-m", metavar="EXPR", help="only scenarios whose markers match (-m AC1)")
    cmd.add_argument(
        "--ac",
        action="append",
        default=[],
        metavar="ID",
        help="only scenarios proving this criterion (repeat, or comma-separate)",
    )
    cmd.add_argument(
        "--target",
        metavar="FILE",
        help="target profile of the app under test (default: the bundled reference-app)",
    )
    cmd.add_argument("--base-url", metavar="URL", help="the target app already serving at URL")
    cmd.add_argument(
        "--scenarios",
        metavar="DIR",
        help='scenarios directory, or "builtin" (default: ./scenarios, else the bundled ones)',
    )
    cmd.add_argument("--story", type=Path, metavar="FILE", help="story file (default: story 3.2)")
    cmd.add_argument(
        "--strict", action="store_true", help="fail on any skip and on ids not in the story"
    )
    cmd.add_argument(
        "-n",
        dest="workers",
        metavar="N",
        help='parallel workers (pytest-xdist): a number or "auto"',
    )
    cmd.add_argument("--junitxml", type=Path, metavar="PATH", help="JUnit XML here instead")
    return cmd


def run_options(args: argparse.Namespace) -> RunOptions:
    from harness.runner import RunOptions

    return RunOptions(
        suite=args.suite,
        report_dir=args.report_dir,
        keyword=args.k,
        markers=args.m,
        criteria=tuple(args.ac),
        base_url=args.base_url,
        target=args.target,
        scenarios=args.scenarios,
        story=args.story,
        strict=args.strict,
        workers=args.workers,
        junitxml=args.junitxml,
        extra_args=tuple(args.pytest_args),
    )
