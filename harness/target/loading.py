"""Reading a target profile from TOML, with one precise line per mistake."""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from harness.target.model import TargetProfile

BUNDLED = Path(__file__).with_name("profiles")


class ProfileError(ValueError):
    """A target profile that cannot be used; `str()` has one line per problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__("\n".join(f"{source}: {problem}" for problem in problems))
        self.problems = problems


def bundled_profiles() -> dict[str, Path]:
    """Profiles that ship with the harness, by name (`reference-app`)."""
    return {path.stem: path for path in sorted(BUNDLED.glob("*.toml"))}


def resolve(spec: str | Path) -> Path:
    """A profile file by path, or by the name of a bundled profile."""
    path = Path(spec)
    if path.is_file():
        return path
    bundled = bundled_profiles()
    if str(spec) in bundled:
        return bundled[str(spec)]
    names = ", ".join(bundled) or "none"
    raise ProfileError(str(spec), [f"no such file, nor a bundled profile (bundled: {names})"])


def load_profile(spec: str | Path) -> TargetProfile:
    """Read and validate a target profile; raises ProfileError naming each wrong field."""
    path = resolve(spec)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(str(path), [f"cannot read: {exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(str(path), [f"not valid TOML: {exc}"]) from None
    return parse_profile(data, source=path)


def parse_profile(data: dict[str, Any], *, source: Path | None = None) -> TargetProfile:
    try:
        profile = TargetProfile.model_validate({**data, "source": source})
    except ValidationError as exc:
        where = str(source) if source is not None else "target profile"
        raise ProfileError(where, [describe(error) for error in exc.errors()]) from None
    return profile


def describe(error: ErrorDetails) -> str:
    """One pydantic error as `field.path: what is wrong` (with a suggestion for a typo)."""
    loc = [part for part in error["loc"] if not _is_validator_tag(part)]
    field = _dotted(loc)
    if error["type"] == "extra_forbidden":
        return f"{field}: unknown key{_suggestion(loc)}"
    if error["type"] == "missing":
        return f"{field}: required"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "string_pattern_mismatch":
        message = f"{error['input']!r} does not have the expected form ({_pattern_hint(field)})"
    return f"{field}: {message}" if field else message


def _dotted(loc: list[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _is_validator_tag(part: int | str) -> bool:
    # Union members and function validators add names like "function-after[...]" to the path.
    return isinstance(part, str) and ("[" in part or part.startswith("function-"))


def _suggestion(loc: list[int | str]) -> str:
    """' (did you mean "path"?)' when the unknown key is close to a known one."""
    fields = _fields_at(loc[:-1])
    close = difflib.get_close_matches(str(loc[-1]), fields, n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _fields_at(loc: list[int | str]) -> list[str]:
    model: Any = TargetProfile
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        annotation = getattr(field, "annotation", None)
        model = _model_in(annotation)
        if model is None:
            return []
    return [name for name in getattr(model, "model_fields", {}) if name != "source"]


def _model_in(annotation: Any) -> Any:
    if hasattr(annotation, "model_fields"):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


_HINTS = {
    "base_url": "http://host:port",
    "path": "a path starting with /",
    "name": "letters, digits, _ . -",
    "asgi": "package.module:app",
}


def _pattern_hint(field: str) -> str:
    return _HINTS.get(field.rsplit(".", 1)[-1].split("[")[0], "see docs/target-profiles.md")
