"""Processes a run leaves behind (app servers, Chromium, Locust): find them and stop them.

Fixtures stop what they start, also when a signal interrupts the run; this is the safety
net behind them, used by `session-harness run`.
"""

from __future__ import annotations

import ctypes
import sys

import psutil

PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h


def adopt_orphans() -> bool:
    """Become the reaper of orphaned descendants (Linux), so a sweep still finds them.

    Without it a process whose parent died (a killed pytest-xdist worker's app server)
    belongs to init and escapes. Returns False where the platform does not support it.
    """
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return int(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) == 0


def _describe(process: psutil.Process) -> str:
    try:
        return f"{process.pid} {' '.join(process.cmdline()[:3])}"
    except psutil.Error:
        return str(process.pid)


class ChildSweep:
    """Descendants of this process started after the sweep was made; `stop()` ends them."""

    def __init__(self) -> None:
        self._me = psutil.Process()
        self._before = {p.pid for p in self._descendants()}

    def _descendants(self) -> list[psutil.Process]:
        try:
            return list(self._me.children(recursive=True))
        except psutil.Error:
            return []

    def _new(self) -> list[psutil.Process]:
        return [p for p in self._descendants() if p.pid not in self._before]

    def left_behind(self) -> list[psutil.Process]:
        """New descendants still running (zombies, already dead, are not counted)."""
        alive = []
        for process in self._new():
            try:
                if process.status() != psutil.STATUS_ZOMBIE:
                    alive.append(process)
            except psutil.Error:
                continue
        return alive

    def stop(self, timeout: float = 5.0) -> list[str]:
        """Terminate the new descendants (kill after `timeout`), reap them; returns who ran."""
        running = self.left_behind()
        described = [_describe(p) for p in running]
        for process in running:
            try:
                process.terminate()
            except psutil.Error:
                continue
        _, alive = psutil.wait_procs(self._new(), timeout=timeout)
        for process in alive:
            try:
                process.kill()
            except psutil.Error:
                continue
        psutil.wait_procs(alive, timeout=timeout)
        return described
