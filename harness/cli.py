"""`session-harness`: the command line; each command is a few lines over a library call."""

from __future__ import annotations

import argparse
import socket
import sys
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from harness.load.options import add_load_arguments
from harness.story import SUITE_CHOICES

if TYPE_CHECKING:
    from fastapi import FastAPI

    from reference_app import Settings

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
DESCRIPTION = """\
session-harness proves that a web application never throws an active user back to the
login page. It moves server and browser time together, drives simulated and real (Chromium)
tabs in many browser profiles, storms the refresh endpoint with Locust, and reports which
acceptance criterion of the session-refresh story each check proves."""
EPILOG = """\
exit codes:
  0    everything passed
  1    a check or scenario failed
  2    usage or configuration error (one line on stderr)
  130  interrupted (Ctrl-C)"""


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port (0: a free port); OSError when that is impossible."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        sock.bind((host, port))
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

    try:
        app, sock, settings = _prepare(args.host, args.port)
    except _Unservable as exc:
        print(f"session-harness: {exc}", file=sys.stderr)
        return EXIT_USAGE
    host = f"[{args.host}]" if ":" in args.host else args.host  # an IPv6 address
    url = f"http://{host}:{sock.getsockname()[1]}"
    print(f"reference app on {url}  (login page: {url}/login)")
    for user in settings.demo_users:
        print(f"  demo login: {user.email} / {user.password.get_secret_value()}")
    sys.stdout.flush()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shuts down, then passes the signal on
        return EXIT_INTERRUPTED
    finally:
        sock.close()
    return 0


def run(args: argparse.Namespace) -> int:
    """Run the acceptance suites, print the AC matrix and write the report."""
    from harness.runner import ConfigError
    from harness.runner import run as run_suites

    try:
        outcome = run_suites(
            suite=args.suite,
            report_dir=args.report_dir,
            keyword=args.k,
            base_url=args.base_url,
            scenarios_dir=args.scenarios,
            target=args.target,
        )
    except ConfigError as exc:
        print(f"session-harness: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return outcome.exit_code


def load(args: argparse.Namespace) -> int:
    """Run a refresh storm with Locust (in its own processes) and gate on its figures."""
    from harness.load.command import run_load

    return run_load(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    run_cmd = commands.add_parser("run", help="run the acceptance suites and write the report")
    run_cmd.add_argument("--suite", choices=SUITE_CHOICES, default="all")
    run_cmd.add_argument("--report-dir", type=Path, default=Path("reports"), metavar="DIR")
    run_cmd.add_argument("-k", metavar="EXPR", help="only scenarios matching this expression")
    run_cmd.add_argument(
        "--target",
        metavar="FILE",
        help="target profile of the app under test (default: the bundled reference-app)",
    )
    run_cmd.add_argument("--base-url", metavar="URL", help="the target app already serving at URL")
    run_cmd.add_argument(
        "--scenarios", type=Path, metavar="DIR", help="scenarios directory (default: ./scenarios)"
    )
    run_cmd.set_defaults(handler=run)
    load_cmd = commands.add_parser(
        "load",
        help="refresh storms of browser-like profiles with Locust",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_load_arguments(load_cmd)
    load_cmd.set_defaults(handler=load)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its one-line usage error
        return int(exc.code or 0)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
