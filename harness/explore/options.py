"""The `explore` command's options (the command line over `harness.explore.run_explore`)."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.explore.errors import STATE_DIR, ExploreError

if TYPE_CHECKING:
    from harness.client import ClientOptions

EPILOG = """\
exit codes: 0 no logout found within the budget; 1 a logout found (the shortest schedule
printed, a scenario written); 2 bad input (an unknown profile, a malformed option).
"""
_FLAGS = ("proactive_refresh", "shared_lock")


def add_explore_command(commands: Any) -> argparse.ArgumentParser:
    """The `explore` sub-command on `commands` (argparse's sub-parsers object)."""
    cmd: argparse.ArgumentParser = commands.add_parser(
        "explore",
        help="search random schedules of tabs, time and network faults for a logout",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("--target", required=True, metavar="PROFILE", help="file or bundled name")
    cmd.add_argument("--max-examples", type=int, default=500, metavar="N")
    cmd.add_argument("--seconds", type=float, default=60.0, help="search budget (real time)")
    cmd.add_argument("--seed", type=int, help="the same schedules on every run")
    cmd.add_argument(
        "--client-option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a client bug: shared_lock=false, proactive_refresh=false, bugs=a,b",
    )
    cmd.add_argument(
        "--regression", action="append", default=[], metavar="NAME", help="an app regression"
    )
    cmd.add_argument(
        "--state-dir", type=Path, default=STATE_DIR, help="example database and scenarios"
    )
    cmd.add_argument("--scenario", type=Path, metavar="FILE", help="where to write the repro")
    return cmd


def client_options(pairs: Sequence[str]) -> ClientOptions:
    """`shared_lock=false`, `bugs=no_heartbeat,drop_early_401` as client options."""
    from harness.client import ClientOptions

    changes: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise ExploreError(f"--client-option {pair!r}: expected NAME=VALUE")
        if name in _FLAGS:
            changes[name] = _flag(name, value)
        elif name == "bugs":
            changes[name] = frozenset(filter(None, value.split(",")))
        else:
            known = ", ".join((*_FLAGS, "bugs"))
            raise ExploreError(f"--client-option {name!r}: unknown (known: {known})")
    try:
        return dataclasses.replace(ClientOptions(), **changes)
    except ValueError as exc:
        raise ExploreError(f"--client-option: {exc}") from None


def _flag(name: str, value: str) -> bool:
    words = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
    if value.lower() not in words:
        raise ExploreError(f"--client-option {name}={value!r}: expected true or false")
    return words[value.lower()]
