"""`session-harness load`: arguments in, a storm run, its figures and gate printed out."""

from __future__ import annotations

import argparse
import subprocess
import sys

from harness.load.figures import Limits
from harness.load.preflight import StormCannotRun
from harness.load.runner import StormConfig, StormResult, run_storm, worker_command

EXIT_GATE, EXIT_CANNOT_RUN = 1, 2


def config_of(args: argparse.Namespace) -> StormConfig:
    """The storm the arguments describe; ValueError (one line) for a usage mistake."""
    for name in ("profiles", "tabs", "lifetimes", "processes", "expect_workers"):
        if getattr(args, name) < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be at least 1")
    if not 0 <= args.lost_responses < 1:
        raise ValueError("--lost-responses is a share: 0 <= SHARE < 1")
    if args.base_url is not None and not args.base_url.startswith(("http://", "https://")):
        raise ValueError(f"--base-url must start with http:// or https://, not {args.base_url!r}")
    if args.master and args.processes > 1:
        raise ValueError("--master takes remote workers: leave out --processes")
    settings = {}
    for item in args.setting:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ValueError(f"--setting takes NAME=VALUE, not {item!r}")
        settings[name.strip()] = value.strip()
    return StormConfig(
        shape=args.storm,
        profiles=args.profiles,
        tabs=args.tabs,
        lifetimes=args.lifetimes,
        processes=args.processes,
        think_s=args.think_seconds,
        between_s=args.between_seconds,
        tick_s=args.tick_seconds,
        fault=args.fault,
        fault_s=args.fault_seconds,
        lost_responses=args.lost_responses,
        limits=Limits(args.max_false_logouts, args.max_amplification, args.max_p99_ms),
        settings=settings,
        master=args.master,
        expect_workers=args.expect_workers,
        master_bind_port=args.master_bind_port,
    )


def run_load(args: argparse.Namespace) -> int:
    if args.worker:
        if not args.master_host:
            return _usage("--worker needs --master-host")
        return subprocess.run(worker_command(args.master_host, args.master_port)).returncode
    try:
        config = config_of(args)
        result = run_storm(config, args.report_dir, target=args.target, base_url=args.base_url)
    except ValueError as exc:
        return _usage(str(exc))
    except StormCannotRun as exc:
        print(f"session-harness: the storm cannot run: {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    print_result(result)
    return result.exit_code


def print_result(result: StormResult) -> None:
    figures = result.figures
    print(f"{figures.shape} storm against {result.base_url}")
    for name, value in figures.table().items():
        print(f"  {name:<52} {value}")
    if result.breaches:
        for breach in result.breaches:
            print(f"gate FAILED: {breach}")
    else:
        print("gate passed")
    print(f"report: {result.report_dir / 'load.html'}")


def _usage(message: str) -> int:
    print(f"session-harness load: {message}", file=sys.stderr)
    return EXIT_CANNOT_RUN
