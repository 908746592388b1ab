"""The `profile` command: a target profile from recorded sign-ins (HAR files)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from harness.recording.command import Inferred, profile_from_har
from harness.recording.har import HarError

EXIT_INCOMPLETE, EXIT_USAGE = 1, 2
EPILOG = """\
exit codes: 0 the profile was written and loads; 1 written, but keys are left to fill in
before it loads; 2 no usable sign-in in the recordings, or a file that is not HAR (one line).
"""


def add_profile_command(commands: Any) -> argparse.ArgumentParser:
    """The `profile` sub-command on `commands` (argparse's sub-parsers object)."""
    cmd: argparse.ArgumentParser = commands.add_parser(
        "profile",
        help="write a target profile from a recorded sign-in (HAR files)",
        description="Infer a target profile from HAR files (Chrome DevTools' export or "
        "Playwright's record_har) of a person signing in, using the app past one access-token "
        "expiry and signing out; one file per user.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("--from-har", nargs="+", type=Path, required=True, metavar="FILE")
    cmd.add_argument(
        "-o", "--output", type=Path, default=Path("target.toml"), metavar="FILE",
        help="where to write the profile (default: target.toml)",
    )  # fmt: skip
    return cmd


def profile(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    """Infer, write, and say what came from which request."""
    try:
        inferred = profile_from_har(args.from_har, args.output)
    except HarError as exc:
        print(f"session-harness: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print_inferred(inferred, out)
    return EXIT_INCOMPLETE if inferred.problems else 0


def print_inferred(inferred: Inferred, out: TextIO) -> None:
    for what, where in inferred.found:
        print(f"  {what}    <- {where}", file=out)
    print(f"wrote {inferred.path}", file=out)
    for problem in inferred.problems:
        print(f"to fill in: {problem}", file=out)
