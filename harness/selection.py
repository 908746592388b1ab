"""The story and the selection options of the plugin: `--story`, `--suite`, `--ac`, strictness.

`-m AC1` and `-k AC1` work too: the plugin adds each criterion id of a test (and its
lower-case form, `-m ac1`) as a marker before pytest selects.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from harness.story import SUITE_CHOICES, Story, StoryError, default_story, load_story

STORY_KEY = pytest.StashKey[Story]()
_MARKERS_KEY = pytest.StashKey[set[str]]()


def add_selection_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("session-harness")
    group.addoption(
        "--suite",
        default="all",
        choices=SUITE_CHOICES,
        help="only run tests of this suite (default: all)",
    )
    group.addoption(
        "--story",
        default=None,
        metavar="FILE",
        help="the story (TOML) whose criteria the report traces (default: story 3.2)",
    )
    group.addoption(
        "--ac",
        action="append",
        default=[],
        metavar="ID",
        help="only tests proving this criterion (repeat or comma-separate: --ac AC1,AC4)",
    )
    group.addoption(
        "--harness-strict",
        action="store_true",
        default=False,
        help="fail the run on any skipped or not-applicable test and on ids not in the story",
    )
    parser.addini("harness_story", "story file (TOML) for the report, relative to the ini file")


def story_path(config: pytest.Config) -> Path | None:
    """`--story` (relative to the invocation directory), else the ini key (relative to the ini)."""
    option: str | None = config.getoption("story")
    if option:
        return config.invocation_params.dir / option
    ini = str(config.getini("harness_story") or "")
    if not ini:
        return None
    base = config.inipath.parent if config.inipath else config.rootpath
    return base / ini


def configure_story(config: pytest.Config) -> Story:
    """Load the run's story into the config and register its criterion ids as markers."""
    path = story_path(config)
    try:
        story = load_story(path) if path is not None else default_story()
    except StoryError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[STORY_KEY] = story
    for criterion in story.criteria:
        criterion_markers(config, criterion.id, criterion.text)
    return story


def criterion_markers(config: pytest.Config, ac: str, text: str = "") -> tuple[str, ...]:
    """The marker names of a criterion id (`AC1`, `ac1`), registered once for --strict-markers."""
    names = tuple(dict.fromkeys((ac, ac.lower())))
    registered = config.stash.setdefault(_MARKERS_KEY, set())
    for name in names:
        if name not in registered:
            registered.add(name)
            config.addinivalue_line("markers", f"{name}: {text or f'proves criterion {ac}'}")
    return names


def wanted_criteria(config: pytest.Config) -> set[str]:
    values: list[str] = config.getoption("ac")
    return {part.strip() for value in values for part in value.split(",") if part.strip()}


def selected(config: pytest.Config, suite: str, acs: Sequence[str]) -> bool:
    """Whether a test of `suite` carrying `acs` passes `--suite` and `--ac`."""
    wanted_suite: str = config.getoption("suite")
    if wanted_suite not in ("all", suite):
        return False
    wanted = wanted_criteria(config)
    return not wanted or bool(wanted.intersection(acs))
