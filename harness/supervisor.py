"""Run the suite in a child process and check what it says against what it did.

pytest runs the suite in the process that calls it; a test that ends that process
(`os._exit(0)`, a segfault) would take the verdict with it and leave exit status 0. Here
the child (`python -m harness._suite_child`) logs each step to a journal and says goodbye
with its exit code; when it does not, or its report claims a pass its journal does not
back, this process writes the report itself: outcome `error`, exit 3, the tests that were
running named.
"""

from __future__ import annotations

import codecs
import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rich.console import Console

from harness.exit_codes import ExitCode, exit_code_for_signal
from harness.interrupts import SIGNALS
from harness.processes import ChildSweep
from harness.report.journal import Journal
from harness.report.recovery import interrupted, vanished, write_recovered
from harness.report.terminal import print_summary
from harness.runner import RunOptions, prepare, run_story

CHILD = "harness._suite_child"
_PATHS = ("report_dir", "story", "junitxml")
_TUPLES = ("criteria", "extra_args")


def options_to_json(options: RunOptions) -> str:
    return json.dumps(dataclasses.asdict(options), default=str)


def options_from_json(text: str) -> RunOptions:
    data: dict[str, Any] = json.loads(text)
    for name in _PATHS:
        data[name] = None if data[name] is None else Path(data[name])
    for name in _TUPLES:
        data[name] = tuple(data[name])
    return RunOptions(**data)


@dataclass(frozen=True)
class Supervised:
    exit_code: int
    journal: Journal
    recovered: bool  # this process wrote the report: the child could not


def _relay(source: IO[bytes], target: IO[str]) -> None:
    """Copy the child's output to ours as it comes (ours may be a pytest capture)."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    while chunk := os.read(source.fileno(), 65536):
        target.write(decoder.decode(chunk))
        target.flush()
    target.write(decoder.decode(b"", final=True))


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    if sys.stdout.isatty():  # the child writes to a pipe; it should still draw for a terminal
        env.setdefault("FORCE_COLOR", "1")
        env.setdefault("COLUMNS", str(shutil.get_terminal_size().columns))
    return env


def _forwarding(child: subprocess.Popen[bytes], received: list[int]) -> dict[int, Any]:
    """Pass SIGINT and SIGTERM on to the child, which stops its run and writes the report;
    `received` keeps the signals passed on."""

    def forward(signum: int, frame: object) -> None:
        received.append(signum)
        if child.poll() is None:
            child.send_signal(signum)

    if threading.current_thread() is not threading.main_thread():
        return {}
    return {signum: signal.signal(signum, forward) for signum in SIGNALS}


def _run_child(options: RunOptions, args: list[str], journal: Path, received: list[int]) -> int:
    command = [sys.executable, "-m", CHILD, str(journal), options_to_json(options), *args]
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_child_env()
    )
    assert child.stdout is not None and child.stderr is not None
    previous = _forwarding(child, received)
    relays = [
        threading.Thread(target=_relay, args=(child.stdout, sys.stdout), daemon=True),
        threading.Thread(target=_relay, args=(child.stderr, sys.stderr), daemon=True),
    ]
    try:
        for relay in relays:
            relay.start()
        code = child.wait()
        for relay in relays:
            relay.join()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
    child.stdout.close()
    child.stderr.close()
    return code


# What a run stopped by SIGINT or SIGTERM exits with.
SIGNAL_EXITS = frozenset(exit_code_for_signal(signum) for signum in SIGNALS)


def _how(journal: Journal, code: int) -> str:
    """What the child did, for the reason of a report it could not be trusted with."""
    if journal.farewell == code:
        return "exited 0 before every collected test reported"
    if journal.farewell is not None:
        return f"said it would exit {journal.farewell}, then exited {code}"
    if code < 0:
        return f"was killed by {signal.Signals(-code).name}"
    return f"exited {code} without finishing"


def trustworthy(journal: Journal, code: int) -> bool:
    """The child said goodbye with the code it exited with, and no pass hides unrun tests."""
    if journal.farewell != code:
        return False
    return not (code == ExitCode.PASSED and journal.incomplete)


def supervise(options: RunOptions | None = None, console: Console | None = None) -> Supervised:
    """`run(options)` in a child process; raises ConfigError before it starts, as `run` does."""
    options = options or RunOptions()
    console = console or Console()
    args = prepare(options)
    sweep = ChildSweep()
    with tempfile.TemporaryDirectory(prefix="session-harness-") as scratch:
        path = Path(scratch) / "journal.ndjson"
        path.touch()
        received: list[int] = []
        code = _run_child(options, args, path, received)
        journal = Journal.read(path)
    stopped = sweep.stop()  # what the child left when it died (ours: we adopt orphans)
    if trustworthy(journal, code) and (journal.reported or code not in SIGNAL_EXITS):
        return Supervised(code, journal, recovered=False)
    stopped_by = None
    if trustworthy(journal, code):  # a signal before pytest took over: no report of its own
        stopped_by = signal.Signals(code - 128).name
        outcome = interrupted(journal, stopped_by)
    elif received:  # asked to stop, it failed on its way out: still the user's stop
        stopped_by = signal.Signals(received[0]).name
        outcome = interrupted(journal, stopped_by, _how(journal, code))
    else:
        outcome = vanished(journal, _how(journal, code))
    run = write_recovered(journal, options.report_dir, run_story(options), outcome, stopped_by)
    assert run.outcome is not None
    print_summary(run, console)
    if stopped:
        console.print(f"stopped {len(stopped)} process(es) it left behind", highlight=False)
    console.print(f"report: {options.report_dir / run.run_id / 'index.html'}", highlight=False)
    return Supervised(run.outcome.exit_code, journal, recovered=True)
