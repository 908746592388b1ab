"""One user's data in another user's session: the marker each user writes, and whose a reply shows.

Each user acts with a text no one else could send (a marker); a reply that carries another
user's marker, or a session view that names another user, shows that user's data to the
wrong person (WSTG-SESS-09, WSTG-ATHZ-02).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from typing import Any

from harness.target import Reply


def marker(user: str) -> str:
    """A text only `user` sends: the name, for the reader, and a random token, for uniqueness."""
    return f"isolation-{user}-{secrets.token_hex(8)}"


def foreign_markers(reply: Reply, markers: Mapping[str, str], own: str) -> list[str]:
    """The users other than `own` whose marker appears anywhere in `reply` (body or headers)."""
    seen = reply.text + "\n" + "\n".join(reply.headers.values())
    return [user for user, mark in markers.items() if user != own and mark in seen]


def named_users(reply: Reply, identifiers: Mapping[str, str]) -> list[str]:
    """The users whose identifier is a whole string value of the JSON body (case aside).

    Whole values only: a short identifier ("al") is a substring of many an unrelated text.
    """
    values = {value.casefold() for value in _strings(reply.json)}
    return [user for user, identifier in identifiers.items() if identifier.casefold() in values]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
