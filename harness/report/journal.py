"""The run's journal: one JSON line per step (report folder, collected, started, finished).

A process running pytest can end without a word (`os._exit`, a segfault, a conftest that
does not import); each line reaches the file as it happens, so the process supervising the
run reads afterwards how far it got and writes the report the run could not.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest

from harness._realtime import wall_now
from harness.report.collector import (
    HARNESS_ATTR,
    REPORT_DIR_KEY,
    skip_reason,
    skip_status,
    suite_of_path,
)
from harness.report.model import FAILED, PASSED, CollectionError


@dataclass
class Finished:
    suite: str
    status: str = PASSED
    skip_reason: str | None = None


@dataclass
class Journal:
    """How far a run got, rebuilt from its lines (or kept up to date in its own process)."""

    started_at: str = ""
    report_dir: Path | None = None
    collected: list[str] | None = None
    started: list[str] = field(default_factory=list)
    finished: dict[str, Finished] = field(default_factory=dict)
    conftest_error: CollectionError | None = None
    reported: bool = False  # the run wrote its own report
    farewell: int | None = None  # the exit code the run's process said it would exit with

    @property
    def unfinished(self) -> list[str]:
        return [nodeid for nodeid in self.started if nodeid not in self.finished]

    @property
    def incomplete(self) -> bool:
        """Tests were collected that never reported."""
        return self.collected is not None and len(self.finished) < len(self.collected)

    def apply(self, entry: dict[str, Any]) -> None:
        """Take one journal line into account."""
        kind = entry["event"]
        if kind == "begin":
            self.started_at = str(entry["at"])
        elif kind == "report_dir":
            self.report_dir = Path(entry["path"])
        elif kind == "collected" and self.collected is None:
            self.collected = list(entry["nodeids"])
        elif kind == "started" and entry["nodeid"] not in self.started:
            self.started.append(entry["nodeid"])
        elif kind == "finished":
            self.finished[entry["nodeid"]] = Finished(
                entry["suite"], entry["status"], entry.get("skip_reason")
            )
        elif kind == "conftest_error":
            self.conftest_error = CollectionError(entry["nodeid"], entry["message"])
        elif kind == "reported":
            self.reported = True
        elif kind == "farewell":
            self.farewell = int(entry["code"])

    @classmethod
    def read(cls, path: Path) -> Journal:
        """The journal in `path`; a line cut short by the process's end is left out."""
        journal = cls()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return journal
        for line in lines:
            try:
                journal.apply(json.loads(line))
            except (ValueError, KeyError, TypeError):
                continue
        return journal


def _conftest_error(exc: BaseException) -> CollectionError:
    """pytest's ConftestImportFailure carries the conftest's path and the real error."""
    cause = getattr(exc, "cause", exc)
    path = Path(str(getattr(exc, "path", "conftest.py")))
    try:
        nodeid = path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        nodeid = str(path)
    return CollectionError(nodeid, f"{type(cause).__name__}: {cause}")


class JournalWriter:
    """A pytest plugin object: the journal in memory, and line by line in `path` when given."""

    def __init__(self, path: Path | None = None) -> None:
        self.journal = Journal()
        self._file: IO[str] | None = path.open("a", encoding="utf-8") if path else None
        self._statuses: dict[str, Finished] = {}
        self.write(event="begin", at=wall_now().isoformat())

    def write(self, **entry: Any) -> None:
        self.journal.apply(entry)
        if self._file is not None:
            self._file.write(json.dumps(entry) + "\n")
            self._file.flush()  # the process may be gone a moment later

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    @pytest.hookimpl(wrapper=True)
    def pytest_load_initial_conftests(self) -> Generator[None, None, None]:
        try:
            return (yield)
        except Exception as exc:
            error = _conftest_error(exc)
            self.write(event="conftest_error", nodeid=error.nodeid, message=error.message)
            raise

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        directory = session.config.stash.get(REPORT_DIR_KEY, None)
        if directory is not None:
            self.write(event="report_dir", path=str(directory))

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.write(event="collected", nodeids=[item.nodeid for item in session.items])

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: object, ids: list[str]) -> None:
        self.write(event="collected", nodeids=list(ids))

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        self.write(event="started", nodeid=nodeid)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data = getattr(report, HARNESS_ATTR, None) or {}
        suite = str(data.get("suite") or suite_of_path(report.nodeid))
        status = self._statuses.setdefault(report.nodeid, Finished(suite))
        if report.failed:
            status.status = FAILED
        elif report.skipped and status.status == PASSED:
            status.skip_reason = skip_reason(report)
            status.status = skip_status(data)
        if report.when in ("setup", "call"):
            return  # a test finishes with its teardown (or a crashed worker's report)
        self._statuses.pop(report.nodeid, None)
        self.write(
            event="finished",
            nodeid=report.nodeid,
            suite=status.suite,
            status=status.status,
            skip_reason=status.skip_reason,
        )

    @pytest.hookimpl(wrapper=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> Generator[None, None, None]:
        result = yield
        if session.config.stash.get(REPORT_DIR_KEY, None) is not None:
            self.write(event="reported")  # the harness plugin wrote it, within this hook
        return result


def say_farewell(path: Path, code: int) -> None:
    """The journal's last line: the exit code its process is about to exit with."""
    with path.open("a", encoding="utf-8") as file:
        file.write(json.dumps({"event": "farewell", "code": int(code)}) + "\n")
