"""HAR 1.2 files (Chrome DevTools' export, Playwright's `record_har`) read into exchanges.

Only what inference needs is kept: method, URL, headers, cookies and body of each request,
and status, headers, cookies set and JSON body of each answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit


class HarError(ValueError):
    """A recording that cannot be used, in one line."""


@dataclass(frozen=True)
class SetCookie:
    """A cookie an answer set, with its attributes (names lower-case)."""

    name: str
    value: str
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, as recorded; `number` counts from 1 within its file."""

    source: str
    number: int
    method: str
    origin: str  # scheme://host[:port]
    path: str  # with the query string
    headers: Mapping[str, str]  # lower-case names
    header_names: Mapping[str, str]  # lower-case name -> the name as recorded
    cookies: Mapping[str, str]  # the cookies the request sent
    mime: str
    fields: Mapping[str, Any] | None  # a JSON object or form body, else None
    status: int
    response_headers: Mapping[str, str]
    set_cookies: tuple[SetCookie, ...]
    json: Any  # the parsed answer, None when it is not JSON

    def __str__(self) -> str:
        return f"{self.source} #{self.number} {self.method} {self.path}"

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def cookie_set(self, name: str) -> SetCookie | None:
        return next((c for c in self.set_cookies if c.name == name), None)


def read_har(path: Path) -> list[Exchange]:
    """The exchanges of one HAR file, in recorded order; HarError when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise HarError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HarError(f"{path}: not a HAR file (not JSON: {exc})") from None
    entries = data.get("log", {}).get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise HarError(f"{path}: not a HAR file (no log.entries)")
    try:
        return [_exchange(path.name, n, entry) for n, entry in enumerate(entries, 1)]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise HarError(f"{path}: not a HAR 1.2 file (a malformed entry: {exc!r})") from None


def _exchange(source: str, number: int, entry: Mapping[str, Any]) -> Exchange:
    request, response = entry["request"], entry["response"]
    url = urlsplit(str(request["url"]))
    if url.scheme not in ("http", "https") or not url.netloc:
        raise ValueError(f"entry {number}: not an http(s) URL")
    headers, names = _headers(request.get("headers", []))
    post = request.get("postData") or {}
    mime = str(post.get("mimeType", headers.get("content-type", ""))).split(";")[0].strip()
    return Exchange(
        source=source,
        number=number,
        method=str(request["method"]).upper(),
        origin=f"{url.scheme}://{url.netloc}",
        path=url.path + (f"?{url.query}" if url.query else ""),
        headers=headers,
        header_names=names,
        cookies=_request_cookies(request, headers),
        mime=mime,
        fields=_fields(mime, post),
        status=int(response["status"]),
        response_headers=_headers(response.get("headers", []))[0],
        set_cookies=_set_cookies(response.get("headers", [])),
        json=_json(response.get("content") or {}),
    )


def _headers(pairs: Sequence[Mapping[str, Any]]) -> tuple[dict[str, str], dict[str, str]]:
    values: dict[str, str] = {}
    names: dict[str, str] = {}
    for pair in pairs:
        name = str(pair["name"])
        if name.startswith(":"):  # HTTP/2 pseudo-headers (Chrome records them)
            continue
        values[name.lower()] = str(pair["value"])
        names[name.lower()] = name
    return values, names


def _request_cookies(request: Mapping[str, Any], headers: Mapping[str, str]) -> dict[str, str]:
    cookies = {str(c["name"]): str(c["value"]) for c in request.get("cookies", [])}
    for part in headers.get("cookie", "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name not in cookies:
            cookies[name] = value
    return cookies


def _fields(mime: str, post: Mapping[str, Any]) -> dict[str, Any] | None:
    text = post.get("text")
    if mime.endswith("json") and isinstance(text, str):
        try:
            body = json.loads(text)
        except json.JSONDecodeError:
            return None
        return body if isinstance(body, dict) else None
    if mime == "application/x-www-form-urlencoded":
        if isinstance(text, str) and text:
            return dict(parse_qsl(text, keep_blank_values=True))
        return {str(p["name"]): str(p.get("value", "")) for p in post.get("params", [])}
    return None


def _set_cookies(pairs: Sequence[Mapping[str, Any]]) -> tuple[SetCookie, ...]:
    found: list[SetCookie | None] = []
    for pair in pairs:
        if str(pair["name"]).lower() == "set-cookie":
            # Chrome joins several Set-Cookie headers of one answer with newlines.
            found.extend(_set_cookie(line) for line in str(pair["value"]).splitlines())
    return tuple(cookie for cookie in found if cookie is not None)


def _set_cookie(line: str) -> SetCookie | None:
    head, *attributes = line.split(";")
    name, sep, value = head.strip().partition("=")
    if not sep or not name:
        return None
    parsed: dict[str, str] = {}
    for attribute in attributes:
        key, _, val = attribute.strip().partition("=")
        if key:
            parsed[key.lower()] = val.strip()
    return SetCookie(name, _unquote(value.strip()), parsed)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        morsel = SimpleCookie(f"x={value}").get("x")
        return morsel.value if morsel is not None else value
    return value


def _json(content: Mapping[str, Any]) -> Any:
    text = content.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    if content.get("encoding") == "base64":
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None
