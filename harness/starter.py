"""`session-harness init`: a starter project that passes as written.

A pytest config with the asyncio mode the scenarios need, a story file, a target profile
template, and one example scenario per suite (api, browser, load).
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from harness.target import bundled_profiles

SOURCE = "starter_files"
TARGET = "target.toml"
# The starter's target profile is the bundled reference app's, under this header: it passes
# as written, and it is the template a team edits to describe its own app.
TARGET_HEADER = """\
# Target profile: how session-harness reaches the app under test and what the app promises.
# This one describes the reference app that ships with session-harness, so the starter passes
# as written. To test your own app, change each value to your app's (docs/target-profiles.md
# lists every key; docs/testing-your-app.md walks through a first run), or point pytest.ini's
# harness_target (or --target) at another file.

"""
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
            path.write_text(_content(source, name), encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise StarterError(f"cannot write the starter into {directory}: {exc}") from None
    return written


def _content(source: Traversable, name: str) -> str:
    if name == TARGET:
        return TARGET_HEADER + bundled_profiles()["reference-app"].read_text("utf-8")
    return source.joinpath(name).read_text("utf-8")
