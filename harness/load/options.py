"""The `load` command's options (argparse), kept apart so `--help` loads nothing heavy."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.load.plan import SHAPES

STORMS_HELP = """\
storms:
  aligned   every profile signs in at once; the app's clock then moves every token under the
            refresh threshold at the same instant, --lifetimes times in a row
  steady    profiles spread over a token lifetime; the clock moves in small steps
  recovery  aligned, and in the middle herd the app is unreachable for --fault-seconds
  mixed     active profiles, profiles that go idle, and profiles that leave and come back
            after their refresh token expired, each with its expected fate

distributed (Locust's own mode):
  session-harness load --master --expect-workers 2 ...      # on one machine
  session-harness load --worker --master-host 10.0.0.5      # on each worker machine"""


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = "Refresh storms of browser-like profiles (Locust, own processes)."
    parser.epilog = f"{STORMS_HELP}\n\n{parser.epilog or ''}"
    storm = parser.add_argument_group("the storm")
    storm.add_argument("--storm", choices=SHAPES, default="aligned")
    storm.add_argument("--profiles", type=int, default=100, help="browser profiles (users)")
    storm.add_argument("--tabs", type=int, default=3, help="tabs per profile")
    storm.add_argument("--lifetimes", type=int, default=3, help="access-token lifetimes")
    storm.add_argument("--think-seconds", type=float, default=20.0, help="between two actions")
    storm.add_argument("--between-seconds", type=float, default=3.0, help="after each herd")
    storm.add_argument(
        "--tick-seconds", type=float, help="the tabs' timer period (default: the app's)"
    )
    storm.add_argument("--fault", choices=("503", "stall"), default="stall", help="recovery")
    storm.add_argument("--fault-seconds", type=float, default=15.0, help="recovery")
    storm.add_argument(
        "--lost-responses",
        type=float,
        default=0.005,
        metavar="SHARE",
        help="share of refresh responses the network loses (default 0.005)",
    )
    app = parser.add_argument_group("the app")
    app.add_argument("--target", metavar="FILE", help="target profile (default: reference-app)")
    app.add_argument("--base-url", metavar="URL", help="storm the app already serving at URL")
    app.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting of the app the harness starts (e.g. refresh_ttl_seconds=2700)",
    )
    gate = parser.add_argument_group("the gate")
    gate.add_argument("--max-false-logouts", type=int, default=0, help="also missed logouts")
    gate.add_argument("--max-amplification", type=float, default=1.05)
    gate.add_argument("--max-p99-ms", type=float, default=0.0, help="refresh p99 (0: no limit)")
    gate.add_argument("--report-dir", type=Path, default=Path("reports/load"), metavar="DIR")
    scale = parser.add_argument_group("scale")
    scale.add_argument("--processes", type=int, default=1, help="Locust worker processes")
    scale.add_argument("--master", action="store_true", help="a master for remote workers")
    scale.add_argument("--expect-workers", type=int, default=1, help="with --master")
    scale.add_argument("--master-bind-port", type=int, help="with --master (Locust: 5557)")
    scale.add_argument("--worker", action="store_true", help="a worker of a remote master")
    scale.add_argument("--master-host", help="with --worker")
    scale.add_argument("--master-port", type=int, help="with --worker (Locust: 5557)")
