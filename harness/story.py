"""A story as data: its acceptance criteria and its test-scenario table, read from a TOML file.

Story 3.2 ships with the package (`harness/stories/story-3.2.toml`) and is the default;
`--story FILE` or the ini key `harness_story` names another.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Final, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

# The suites that prove the story's criteria (the columns of its tables), then "conformance":
# the black-box session checks of `session-harness check`, judged against standards instead.
STORY_SUITES: Final[tuple[str, ...]] = ("api", "browser", "load")
SUITES: Final[tuple[str, ...]] = (*STORY_SUITES, "conformance")
SUITE_CHOICES: Final[tuple[str, ...]] = (*SUITES, "all")
DEFAULT_STORY: Final = "story-3.2.toml"

# An id is used as a pytest marker name (`-m AC1`): no spaces, no quotes, no parentheses.
CriterionId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.:-]*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class StoryError(ValueError):
    """A story file that cannot be read or does not validate; `str()` is one line."""


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: CriterionId
    text: Text


class Row(BaseModel):
    """A row of the story's test-scenario table, named verbatim by `@pytest.mark.scenario`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Text
    expected: str = ""


class Story(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Text
    title: Text
    criteria: list[Criterion] = Field(min_length=1)
    rows: list[Row] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        for label, names in (
            ("criterion id", [c.id for c in self.criteria]),
            ("row name", [r.name for r in self.rows]),
        ):
            repeated = sorted({n for n in names if names.count(n) > 1})
            if repeated:
                raise ValueError(f"{label} listed twice: {', '.join(repeated)}")
        return self

    @property
    def criterion_texts(self) -> dict[str, str]:
        return {c.id: c.text for c in self.criteria}

    @property
    def row_expectations(self) -> dict[str, str]:
        return {r.name: r.expected for r in self.rows}

    @property
    def label(self) -> str:
        """`Story 3.2: Fix …`, as the report heads it."""
        return f"Story {self.id}: {self.title}"


def _one_line(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where + ': ' if where else ''}{first['msg']}{more}"


def parse_story(text: str, source: str = "<story>") -> Story:
    try:
        return Story.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise StoryError(f"story {source}: not valid TOML: {exc}") from None
    except ValidationError as exc:
        raise StoryError(f"story {source}: {_one_line(exc)}") from None


def load_story(path: Path | str) -> Story:
    """The story in `path`; StoryError with a one-line reason when it is missing or invalid."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StoryError(f"story {path}: cannot read it: {exc.strerror or exc}") from None
    return parse_story(text, str(path))


@cache
def default_story() -> Story:
    """Story 3.2, bundled with the package."""
    text = resources.files("harness").joinpath("stories", DEFAULT_STORY).read_text("utf-8")
    return parse_story(text, DEFAULT_STORY)
