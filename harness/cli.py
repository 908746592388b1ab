"""`session-harness`: the command line; each command is a few lines over a library call."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from harness.conformance.options import add_check_command
from harness.exit_codes import ExitCode, help_table
from harness.explore.options import add_explore_command
from harness.load.options import add_load_arguments
from harness.recording.options import add_profile_command, profile
from harness.run_options import add_run_command, run_options

if TYPE_CHECKING:
    from fastapi import FastAPI

    from reference_app import Settings

DESCRIPTION = """\
session-harness proves that a web application never throws an active user back to the
login page. It moves server and browser time together, drives simulated and real (Chromium)
tabs in many browser profiles, storms the refresh endpoint with Locust, and reports which
acceptance criterion of the session-refresh story each check proves."""
EPILOG = help_table()


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port (0: a free port); OSError when that is impossible."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        sock.bind((host, port))
        sock.listen()  # a client that reads the banner may connect before uvicorn starts
    except OSError:
        sock.close()
        raise
    return sock


class _Unservable(Exception):
    """Why the app cannot be served, in one line."""


def _prepare(host: str, port: int) -> tuple[FastAPI, socket.socket, Settings]:
    """Everything checked before the banner: port, settings, database, the bound socket."""
    from reference_app import SettingsError, create_app, load_settings
    from reference_app.store import DatabaseUnavailable, check_database

    if not 0 <= port <= 65535:
        raise _Unservable(f"--port must be 1-65535 (0 picks a free port), not {port}")
    try:
        settings = load_settings()
        check_database(settings.mongodb_uri)
        sock = _listen(host, port)
    except (SettingsError, DatabaseUnavailable) as exc:
        raise _Unservable(str(exc)) from None
    except OSError as exc:
        raise _Unservable(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        return create_app(settings), sock, settings
    except (SettingsError, DatabaseUnavailable) as exc:
        sock.close()
        raise _Unservable(str(exc)) from None


def serve(args: argparse.Namespace) -> int:
    """Serve the reference app with uvicorn until interrupted."""
    import uvicorn

    from reference_app.protocol import BoundedH11Protocol

    try:
        app, sock, settings = _prepare(args.host, args.port)
    except _Unservable as exc:
        print(f"session-harness: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    host = f"[{args.host}]" if ":" in args.host else args.host  # an IPv6 address
    url = f"http://{host}:{sock.getsockname()[1]}"
    print(f"reference app on {url}  (login page: {url}/login)")
    for user in settings.demo_users:
        print(f"  demo login: {user.email} / {user.password.get_secret_value()}")
    sys.stdout.flush()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", http=BoundedH11Protocol))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shuts down, then passes the signal on
        return ExitCode.SIGINT
    finally:
        sock.close()
    return 0


def run(args: argparse.Namespace) -> int:
    """Run the acceptance suites, print the AC matrix and write the report."""
    from harness.processes import adopt_orphans
    from harness.runner import ConfigError
    from harness.supervisor import supervise

    adopt_orphans()  # so that no process of the run can outlive it unseen
    try:
        return supervise(run_options(args)).exit_code
    except ConfigError as exc:
        print(f"session-harness: {exc}", file=sys.stderr)
        return ExitCode.USAGE


def check(args: argparse.Namespace) -> int:
    """Run the session conformance checks against the app a target profile describes."""
    from harness.conformance.runner import check as run_checks
    from harness.runner import ConfigError
    from harness.target import ProfileError

    try:
        outcome = run_checks(
            args.target,
            base_url=args.base_url,
            report_dir=args.report_dir,
            strict=args.strict,
            keyword=args.k,
            scenarios_dir=args.scenarios,
            measure=args.measure,
            write_policy=args.write_policy,
        )
    except ProfileError as exc:
        for line in str(exc).splitlines():
            print(f"session-harness: {line}", file=sys.stderr)
        return ExitCode.USAGE
    except ConfigError as exc:
        print(f"session-harness: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    return outcome.exit_code


def init(args: argparse.Namespace) -> int:
    """Write a starter project (pytest config, story, one scenario per suite) into a folder."""
    from harness.starter import StarterError, write_starter

    try:
        written = write_starter(args.directory)
    except StarterError as exc:
        print(f"session-harness: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    for path in written:
        print(f"wrote {path}")
    print("next: session-harness run --suite api")
    return 0


def load(args: argparse.Namespace) -> int:
    """Run a refresh storm with Locust (in its own processes) and gate on its figures."""
    from harness.load.command import run_load

    return run_load(args)


def mutants(args: argparse.Namespace) -> int:
    """Run the bug catalogue: each deliberate regression against the suites; exit 1 on a miss."""
    from harness.catalogue import CatalogueError, Plan, run_catalogue
    from harness.catalogue.report import write_json
    from harness.catalogue.runner import optional_suite, suite_command
    from harness.catalogue.summary import describe_run, summary_lines
    from harness.exit_codes import exit_code_for_signal
    from harness.interrupts import SignalGuard, Terminated
    from harness.processes import ChildSweep, adopt_orphans
    from harness.runner import PYTEST_INI, ConfigError, find_scenarios

    adopt_orphans()  # the suites' app servers and browsers stay ours to stop
    sweep = ChildSweep()
    try:
        root = find_scenarios(args.scenarios).parent
        plan = Plan(
            suite_command(root, "api", (), *PYTEST_INI),
            suite_command(root, "browser", (), *PYTEST_INI),
            jobs=args.jobs,
            stop_at_first=frozenset() if args.all_tests else Plan.stop_at_first,
            history=None if args.cold else root / ".pytest_cache" / "session-harness-mutants",
            conformance=optional_suite(root, "conformance", *PYTEST_INI),
        )
        with SignalGuard():
            result = run_catalogue(
                plan, args.only, progress=lambda run: print(describe_run(run), file=sys.stderr)
            )
    except (CatalogueError, ConfigError) as exc:
        print(f"session-harness: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except Terminated as exc:
        stopped = sweep.stop(timeout=10.0)  # each suite tears its servers down on SIGTERM
        print(f"session-harness: interrupted; stopped {len(stopped)} process(es)", file=sys.stderr)
        return exit_code_for_signal(exc.signum)
    for line in summary_lines(result, every_test=args.all_tests):
        print(line)
    if args.json is not None:
        write_json(result, args.json)
    return result.exit_code


def explore(args: argparse.Namespace) -> int:
    """Search schedules for a logout; print the shortest and write it as a scenario."""
    from harness.explore import ExploreError, run_explore
    from harness.explore.options import client_options

    try:
        outcome = run_explore(
            args.target,
            max_examples=args.max_examples,
            seconds=args.seconds,
            seed_value=args.seed,
            options=client_options(args.client_option),
            regressions=args.regression,
            state_dir=args.state_dir,
            scenario=args.scenario,
        )
    except ExploreError as exc:
        print(f"session-harness: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    for line in outcome.lines():
        print(line)
    return outcome.exit_code


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


class _Parser(argparse.ArgumentParser):
    """A usage error is one line on stderr (`--help` shows the usage), then exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="session-harness",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {version('session-harness')}"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser(
        "serve",
        help="serve the reference app (settings from REFAPP_* variables)",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8000, help="1-65535; 0 picks a free one")
    serve_cmd.set_defaults(handler=serve)
    add_run_command(commands).set_defaults(handler=run)
    add_check_command(commands).set_defaults(handler=check)
    add_profile_command(commands).set_defaults(handler=profile)
    init_cmd = commands.add_parser("init", help="write a starter project into a folder")
    init_cmd.add_argument("directory", type=Path, nargs="?", default=Path("."))
    init_cmd.set_defaults(handler=init)
    load_cmd = commands.add_parser(
        "load",
        help="refresh storms of browser-like profiles with Locust",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_load_arguments(load_cmd)
    load_cmd.set_defaults(handler=load)
    _add_mutants(commands)
    add_explore_command(commands).set_defaults(handler=explore)
    return parser


def _add_mutants(commands: argparse._SubParsersAction[_Parser]) -> None:
    cmd = commands.add_parser(
        "mutants",
        help="run the bug catalogue: prove the suites catch each deliberate regression",
        description="Switch on each regression of the reference app's bug catalogue "
        "(docs/regressions.md) in an app of its own and run the suites that should catch "
        "it; print the tests that caught each one, or MISSED, and the score.",
        epilog="exit codes:\n  0    every entry caught and the clean app green\n"
        "  1    an entry missed, or the clean app failed a suite\n  2    usage error",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("--only", nargs="+", metavar="NAME", help="only these entries")
    cmd.add_argument(
        "--jobs", type=_positive, default=os.cpu_count() or 1, help="suites run at once (cores)"
    )
    cmd.add_argument(
        "--all-tests",
        action="store_true",
        help="run every test of every suite and list each one that caught an entry "
        "(by default each suite run ends at its first catch)",
    )
    cmd.add_argument(
        "--cold",
        action="store_true",
        help="forget which tests caught each entry last time (by default they run first, "
        "from .pytest_cache/session-harness-mutants)",
    )
    cmd.add_argument("--json", type=Path, metavar="FILE", help="also write the result as JSON")
    cmd.add_argument(
        "--scenarios", type=Path, metavar="DIR", help="scenarios directory (default: ./scenarios)"
    )
    cmd.set_defaults(handler=mutants)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    # `run … -- <pytest args>`: everything after `--` goes to pytest as it is
    split = words.index("--") if "--" in words else len(words)
    try:
        args = parser.parse_args(words[:split])
        if split < len(words) and args.command != "run":
            parser.error("only `run` passes options after `--` (to pytest)")
    except SystemExit as exc:  # argparse already printed its one-line usage error
        return int(exc.code or 0)
    args.pytest_args = tuple(words[split + 1 :])
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
