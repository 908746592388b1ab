"""`{placeholder}` templates in a target profile's request fields and headers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# {name} or {cookie:NAME}; {{ and }} stand for literal braces.
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([a-z_]+)(?::([^{}\s]+))?\}")

# What each kind of request may refer to.
LOGIN_VALUES = frozenset({"identifier", "password"})
REFRESH_VALUES = frozenset({"refresh_token", "access_token"})
AUTHED_VALUES = frozenset({"access_token", "refresh_token", "text"})


@dataclass(frozen=True)
class Values:
    """What a template may be filled with: named values and the profile's current cookies."""

    named: Mapping[str, str]
    cookies: Mapping[str, str]


def placeholders(value: Any) -> set[str]:
    """Every placeholder in `value` (strings inside dicts and lists too); cookies as `cookie:X`."""
    found: set[str] = set()
    for text in _strings(value):
        for match in _PLACEHOLDER.finditer(text):
            name, cookie = match.group(1), match.group(2)
            if name is None:
                continue
            found.add(f"cookie:{cookie}" if name == "cookie" and cookie else name)
    return found


def check(value: Any, allowed: frozenset[str]) -> None:
    """Raise ValueError naming the first placeholder not in `allowed` (cookies always allowed)."""
    for name in sorted(placeholders(value)):
        if name.startswith("cookie:"):
            continue
        if name == "cookie":
            raise ValueError("{cookie} needs a cookie name: {cookie:NAME}")
        if name not in allowed:
            names = ", ".join("{" + n + "}" for n in sorted(allowed)) or "none"
            raise ValueError(
                f"unknown placeholder {{{name}}} here (allowed: {names}, {{cookie:NAME}})"
            )


class MissingValue(LookupError):
    """A template refers to a value the client does not have (e.g. a cookie never set)."""


def render(value: Any, values: Values) -> Any:
    """`value` with every placeholder filled; dicts and lists are rendered item by item."""
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda m: _fill(m, values), value)
    if isinstance(value, dict):
        return {key: render(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [render(item, values) for item in value]
    return value


def _fill(match: re.Match[str], values: Values) -> str:
    whole, name, cookie = match.group(0), match.group(1), match.group(2)
    if whole in ("{{", "}}"):
        return whole[0]
    if name == "cookie":
        if cookie not in values.cookies:
            raise MissingValue(f"cookie {cookie!r} is not set")
        return values.cookies[cookie]
    if name not in values.named:
        raise MissingValue(f"no value for {{{name}}}")
    return values.named[name]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)] + [
            s for key in value for s in _strings(key)
        ]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []
