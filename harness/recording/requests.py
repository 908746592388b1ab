"""A recorded request as a profile's template: recorded secrets become placeholders."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.recording.har import Exchange

# What a browser or HTTP library sends by itself: never part of an app's contract.
_AMBIENT = frozenset({
    "accept", "accept-encoding", "accept-language", "authorization", "cache-control",
    "connection", "content-length", "content-type", "cookie", "dnt", "host", "if-modified-since",
    "if-none-match", "keep-alive", "origin", "pragma", "priority", "referer", "te",
    "upgrade-insecure-requests", "user-agent",
})  # fmt: skip


def encoding(exchange: Exchange) -> str | None:
    """`form` for a URL-encoded body; None for JSON or none (the profile's default)."""
    return "form" if exchange.mime == "application/x-www-form-urlencoded" else None


def request_fields(exchange: Exchange, replace: Mapping[str, str]) -> dict[str, Any]:
    """The body's fields, each recorded secret in `replace` swapped for its placeholder."""
    return {key: replace.get(value, value) if isinstance(value, str) else value
            for key, value in (exchange.fields or {}).items()}  # fmt: skip


def contract_headers(exchange: Exchange) -> dict[str, str]:
    """The headers the app's own code added (recorded names), without the ambient ones."""
    return {
        exchange.header_names[name]: value
        for name, value in exchange.headers.items()
        if name not in _AMBIENT and not name.startswith("sec-")
    }


def csrf_headers(exchange: Exchange) -> dict[str, str]:
    """Headers repeating a cookie the request sent (double submit) as `{cookie:NAME}`."""
    copied = {}
    for name, value in contract_headers(exchange).items():
        cookie = next((c for c, v in exchange.cookies.items() if v == value and v), None)
        if cookie is not None:
            copied[name] = "{cookie:" + cookie + "}"
    return copied


def static_headers(exchange: Exchange, replace: Mapping[str, str]) -> dict[str, str]:
    """The app's other headers, recorded secrets swapped for placeholders."""
    found = {}
    copied = csrf_headers(exchange)
    for name, value in contract_headers(exchange).items():
        if name in copied:
            continue
        for secret, placeholder in replace.items():
            value = value.replace(secret, placeholder)
        found[name] = value
    return found
