"""`session-harness init`: a starter project that passes as written.

A pytest config with the asyncio mode the scenarios need, a story file, a target profile
template, and one example scenario per suite (api, browser, load).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SOURCE = "starter_files"
FILES = (
    "pytest.ini",
    "story.toml",
    "target.toml",
    "scenarios/api/test_api_example.py",
    "scenarios/browser/test_browser_example.py",
    "scenarios/load/test_load_example.py",
)


class StarterError(Exception):
    """The starter cannot be written; `str()` is one line."""


def write_starter(directory: Path) -> list[Path]:
    """Write the starter files into `directory` (created if needed); never overwrites a file."""
    taken = [name for name in FILES if (directory / name).exists()]
    if taken:
        raise StarterError(f"{directory} already has {', '.join(taken)}: choose an empty folder")
    source = resources.files("harness").joinpath(SOURCE)
    written = []
    try:
        for name in FILES:
            path = directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(source.joinpath(name).read_text("utf-8"), encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise StarterError(f"cannot write the starter into {directory}: {exc}") from None
    return written
