"""Finding the sign-in of a recording: the request that sent a password and got tokens back."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from harness.recording.har import Exchange, HarError
from harness.recording.values import carried

_PASSWORD = re.compile(r"^(pass(word)?|passwd|pwd|user_?password)$", re.IGNORECASE)
_IDENTIFIER = re.compile(r"(user(name)?|e-?mail|login|identifier|account)", re.IGNORECASE)


@dataclass(frozen=True)
class SignIn:
    """The sign-in exchange and which of its fields hold the identifier and the password."""

    exchange: Exchange
    identifier_field: str
    password_field: str

    @property
    def identifier(self) -> str:
        return str((self.exchange.fields or {})[self.identifier_field])

    @property
    def password(self) -> str:
        return str((self.exchange.fields or {})[self.password_field])


def sign_in(exchanges: Sequence[Exchange]) -> SignIn | None:
    """The first successful request with a password field whose answer carries a token."""
    for exchange in exchanges:
        fields = exchange.fields or {}
        password = next((k for k in fields if _PASSWORD.match(k) and fields[k]), None)
        if password is None or not exchange.ok or not carried(exchange):
            continue
        others = [k for k, v in fields.items() if k != password and isinstance(v, str) and v]
        identifier = next((k for k in others if _IDENTIFIER.search(k)), None)
        if identifier is not None:
            return SignIn(exchange, identifier, password)
    return None


def sign_ins(recordings: Sequence[tuple[str, Sequence[Exchange]]]) -> list[SignIn]:
    """One sign-in per recording, all to one app; HarError naming the file that has none."""
    found = []
    for source, exchanges in recordings:
        signed = sign_in(exchanges)
        if signed is None:
            raise HarError(
                f"{source}: no sign-in in it (no request sent a password and got a token back)"
            )
        found.append(signed)
    first = found[0].exchange
    for other in found[1:]:
        if (other.exchange.origin, other.exchange.path) != (first.origin, first.path):
            raise HarError(
                f"{other.exchange.source}: signs in at {other.exchange.origin}"
                f"{other.exchange.path}, {first.source} at {first.origin}{first.path}: "
                "record one app"
            )
    return found
