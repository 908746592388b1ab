"""Following a value through a recording: where answers carry it, where requests present it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import jwt
from jsonpointer import escape

from harness.recording.har import Exchange
from harness.target.locations import Location

MIN_TOKEN_CHARS = 16  # shorter strings are ids, flags or words, not credentials


@dataclass(frozen=True)
class Carried:
    """A credential-like value an answer carries, and where."""

    location: Location
    value: str

    @property
    def is_jwt(self) -> bool:
        return claims(self.value) is not None


@dataclass(frozen=True)
class Presented:
    """Where a request presents a value: a body field, a header (as a template) or a cookie."""

    kind: Literal["field", "header", "cookie"]
    name: str  # the field, header (as recorded) or cookie name
    template: str = ""  # the header's value with the token replaced by a placeholder


def claims(value: str) -> dict[str, Any] | None:
    """The claims of a JWT, unverified; None when `value` is not one."""
    if value.count(".") != 2:
        return None
    try:
        found = jwt.decode(value, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    return dict(found) if isinstance(found, dict) else None


def carried(exchange: Exchange) -> list[Carried]:
    """Every credential-like string of an answer: JSON body first, then the cookies it sets."""
    found = [
        Carried(Location("json", pointer), value) for pointer, value in _strings(exchange.json)
    ]
    found += [Carried(Location("cookie", c.name), c.value) for c in exchange.set_cookies]
    return [item for item in found if _token_like(item.value)]


def _token_like(value: str) -> bool:
    return len(value) >= MIN_TOKEN_CHARS and not any(c.isspace() for c in value)


def _strings(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{pointer}/{escape(str(key))}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{pointer}/{index}")


def presented(exchange: Exchange, value: str, placeholder: str) -> list[Presented]:
    """Where `exchange` sends `value`: fields, then headers, then cookies."""
    found = [
        Presented("field", key) for key, item in (exchange.fields or {}).items() if item == value
    ]
    for name, text in exchange.headers.items():
        if name != "cookie" and value in text:
            template = text.replace(value, "{" + placeholder + "}")
            found.append(Presented("header", exchange.header_names[name], template))
    found += [Presented("cookie", name) for name, item in exchange.cookies.items() if item == value]
    return found


def lifetime(value: str) -> float | None:
    """A JWT's lifetime in seconds (`exp` - `iat`), None when it does not say."""
    found = claims(value) or {}
    exp, iat = found.get("exp"), found.get("iat")
    if isinstance(exp, int | float) and isinstance(iat, int | float) and exp > iat:
        return float(exp - iat)
    return None


def strings_of(exchange: Exchange) -> list[Carried]:
    """Every string of an answer's JSON body, however short."""
    return [Carried(Location("json", pointer), value) for pointer, value in _strings(exchange.json)]
