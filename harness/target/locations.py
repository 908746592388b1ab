"""Where a value lives in an HTTP response: a JSON pointer, a header or a cookie."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import jsonpointer

Source = Literal["json", "header", "cookie"]
SOURCES: tuple[str, ...] = get_args(Source)
_MISSING = object()


@dataclass(frozen=True)
class Reply:
    """What the harness needs of an HTTP response, whichever library received it.

    `headers` have lower-case names; `cookies` are the ones this response set (Set-Cookie),
    `set_cookie` its Set-Cookie headers as sent (where the receiver kept them), attributes and all.
    """

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    json: Any = None  # the parsed body, None when it is not JSON
    cookies: Mapping[str, str] = field(default_factory=dict)
    text: str = ""
    set_cookie: tuple[str, ...] = ()


@dataclass(frozen=True)
class Location:
    """`json:/pointer`, `header:Name` or `cookie:name`, as written in a target profile."""

    source: Source
    name: str

    @classmethod
    def parse(cls, text: str) -> Location:
        source, sep, name = text.partition(":")
        if not sep or source not in SOURCES:
            raise ValueError(
                f"{text!r} is not a location: write json:/pointer, header:Name or cookie:name"
            )
        if source == "json":
            try:
                jsonpointer.JsonPointer(name)
            except jsonpointer.JsonPointerException as exc:
                raise ValueError(f"{text!r}: bad JSON pointer ({exc})") from None
        elif not name or any(c.isspace() for c in name):
            raise ValueError(f"{text!r}: a {source} name must be non-empty, without spaces")
        return cls(source, name)  # type: ignore[arg-type]  # checked against SOURCES above

    def __str__(self) -> str:
        return f"{self.source}:{self.name}"

    def read(self, reply: Reply) -> Any:
        """The value at this location in `reply`, or None when it is absent."""
        if self.source == "header":
            return reply.headers.get(self.name.lower())
        if self.source == "cookie":
            return reply.cookies.get(self.name) or None
        if reply.json is None:
            return None
        value = jsonpointer.resolve_pointer(reply.json, self.name, _MISSING)
        return None if value is _MISSING else value

    def read_text(self, reply: Reply) -> str | None:
        """The value as a non-empty string (numbers are formatted), else None."""
        value = self.read(reply)
        if isinstance(value, bool) or value is None:
            return None
        text = str(value)
        return text or None
