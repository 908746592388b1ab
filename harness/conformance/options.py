"""The `check` command's options (the command line over `harness.conformance.runner.check`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

EPILOG = """\
exit codes: 0 every verdict is pass, warn or not applicable; 1 a check failed (or warned,
with --strict); 2 usage, profile or configuration error (one line per problem).
"""


def add_check_command(commands: Any) -> argparse.ArgumentParser:
    """The `check` sub-command on `commands` (argparse's sub-parsers object)."""
    cmd: argparse.ArgumentParser = commands.add_parser(
        "check",
        help="run the session conformance checks against the app a profile describes",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument(
        "--target", required=True, metavar="FILE", help="target profile (or a bundled name)"
    )
    cmd.add_argument(
        "--base-url",
        metavar="URL",
        help="the app's address (default: start [server], else base_url)",
    )
    cmd.add_argument("--report-dir", type=Path, default=Path("reports"), metavar="DIR")
    cmd.add_argument("--strict", action="store_true", help="a warn verdict also exits 1")
    cmd.add_argument("-k", metavar="EXPR", help="only checks matching this expression")
    cmd.add_argument(
        "--measure",
        action="store_true",
        help="measure the session policy the app really has instead of running the checks "
        "(docs/measure.md)",
    )
    cmd.add_argument(
        "--write-policy",
        action="store_true",
        help="with --measure: write the measured values into the profile's [policy] table",
    )
    cmd.add_argument(
        "--scenarios", type=Path, metavar="DIR", help="scenarios directory (default: ./scenarios)"
    )
    return cmd
