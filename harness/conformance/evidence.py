"""Evidence for a verdict: every request a check makes and its answer, secrets redacted.

Reports never hold a token or a password: each one the checks handle is replaced by a
stable label (`<refresh#2>`), so the evidence still shows which token was presented when.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime
from typing import Any
from urllib.parse import unquote_plus

import httpx

from harness.events import Exchange, Recorder, RequestSent

# Keys whose string values are secrets even when the checks never saw them (an unknown app).
_SECRET_KEY = re.compile(r"token|jwt|secret|passw|csrf|^access$|^refresh$|^id_token$", re.I)
_PASSWORD_KEY = re.compile(r"passw", re.I)
_SECRET_HEADER = re.compile(r"authorization|cookie|token|csrf|secret|api-key", re.I)
_TOKEN_SHAPED = re.compile(r"[A-Za-z0-9_.~+/-]+=*")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
_SHOWN_RESPONSE_HEADERS = ("cache-control", "pragma", "content-type", "www-authenticate")
# Short values under a secret-sounding key ("bearer", "refresh") are not secrets.
_MIN_SECRET_CHARS = 12
BODY_LIMIT = 800
REDACTED = "<redacted>"


class Redactor:
    """Replaces every secret it was shown with its label; unknown token-like strings too."""

    def __init__(self) -> None:
        self._labels: dict[str, str] = {}
        self._verbatim: list[str] = []  # secrets a token-shaped search would not find whole
        self._counts: Counter[str] = Counter()

    def label(self, secret: str, kind: str) -> str:
        """Remember `secret` (a token, a password) and return its label, e.g. `<access#1>`."""
        if not secret:
            return ""
        if secret not in self._labels:
            self._counts[kind] += 1
            self._labels[secret] = f"<{kind}#{self._counts[kind]}>"
            if not _TOKEN_SHAPED.fullmatch(secret):
                self._verbatim.append(secret)
        return self._labels[secret]

    def text(self, text: str) -> str:
        # A lookup per token-shaped word: a long session registers thousands of tokens.
        for secret in self._verbatim:
            text = text.replace(secret, self._labels[secret])
        text = _TOKEN_SHAPED.sub(lambda m: self._labels.get(m.group(0), m.group(0)), text)
        return _JWT.sub("<jwt>", text)

    def value(self, data: Any, key: str = "") -> Any:
        """A JSON value with every secret replaced (strings under secret keys included)."""
        if isinstance(data, dict):
            return {k: self.value(v, str(k)) for k, v in data.items()}
        if isinstance(data, list):
            return [self.value(item, key) for item in data]
        if isinstance(data, str):
            if data in self._labels:
                return self._labels[data]
            if _PASSWORD_KEY.search(key) or (
                _SECRET_KEY.search(key) and len(data) >= _MIN_SECRET_CHARS
            ):
                return REDACTED
            return self.text(data)
        return data

    def header(self, name: str, value: str) -> str:
        """A header value; the secret part of credentials and cookies always hidden."""
        lower = name.lower()
        if lower == "cookie":
            return "; ".join(self._pair(pair) for pair in value.split(";"))
        if lower == "set-cookie":
            first, *attributes = value.split(";")
            return "; ".join([self._pair(first), *(a.strip() for a in attributes)])
        if not _SECRET_HEADER.search(name):
            return self.text(value)
        scheme, _, credential = value.partition(" ")
        if credential and scheme.isalpha():
            return f"{scheme} {self.secret(credential)}"
        return self.secret(value)

    def secret(self, value: str) -> str:
        """The label of a known secret, else the redaction marker (empty stays empty)."""
        return self._labels.get(value, REDACTED) if value else value

    def _pair(self, pair: str) -> str:
        name, _, content = pair.strip().partition("=")
        return f"{name}={self.secret(content)}"


def describe_request(request: httpx.Request, redactor: Redactor) -> str:
    """`METHOD /path`, then the headers the profile set and the cookie, then the body."""
    lines = [f"{request.method} {request.url.raw_path.decode('ascii', 'replace')}"]
    for name, value in request.headers.items():
        if name.lower() in _BORING_REQUEST_HEADERS:
            continue
        lines.append(f"{name}: {redactor.header(name, value)}")
    body = _body(request.content, request.headers.get("content-type", ""), redactor)
    return "\n".join([*lines, body] if body else lines)


_BORING_REQUEST_HEADERS = {
    "host",
    "accept",
    "accept-encoding",
    "connection",
    "user-agent",
    "content-length",
}


def describe_response(response: httpx.Response, redactor: Redactor) -> str:
    """The status, the headers that matter to a session, and the body (shortened)."""
    lines = [f"{response.status_code} {response.reason_phrase}".rstrip()]
    for name in _SHOWN_RESPONSE_HEADERS:
        if name in response.headers:
            lines.append(f"{name}: {response.headers[name]}")
    for cookie in response.headers.get_list("set-cookie"):
        lines.append(f"set-cookie: {redactor.header('set-cookie', cookie)}")
    body = _body(response.content, response.headers.get("content-type", ""), redactor)
    return "\n".join([*lines, body] if body else lines)


def _body(content: bytes, content_type: str, redactor: Redactor) -> str:
    if not content:
        return ""
    text = content.decode("utf-8", "replace")
    if "json" in content_type or text[:1] in "{[":
        try:
            text = json.dumps(redactor.value(json.loads(text)))
        except ValueError:
            text = redactor.text(text)
    elif "form" in content_type:
        text = "&".join(_form_pair(pair, redactor) for pair in text.split("&"))
    else:
        text = redactor.text(text)
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + " …"


def _form_pair(pair: str, redactor: Redactor) -> str:
    name, eq, value = pair.partition("=")
    return f"{name}{eq}{redactor.value(unquote_plus(value), unquote_plus(name))}"


class Evidence:
    """Writes a test's exchanges into its recorder, all through one redactor."""

    def __init__(self, recorder: Recorder, redactor: Redactor | None = None) -> None:
        self.recorder = recorder
        self.redactor = redactor or Redactor()

    def sent(self, at: datetime, session: str, purpose: str, request: httpx.Request) -> None:
        self.recorder.emit(
            RequestSent(
                at=at,
                wall=self.recorder.wall(),
                profile=session,
                tab=session,
                method=request.method,
                path=request.url.path,
                purpose=purpose,
            )
        )

    def exchange(
        self,
        at: datetime,
        session: str,
        label: str,
        purpose: str,
        request: httpx.Request,
        response: httpx.Response | None,
        error: str = "",
    ) -> Exchange:
        event = Exchange(
            at=at,
            wall=self.recorder.wall(),
            profile=session,
            tab=session,
            label=label,
            method=request.method,
            path=request.url.path,
            purpose=purpose,
            status=None if response is None else response.status_code,
            request=describe_request(request, self.redactor),
            response=error if response is None else describe_response(response, self.redactor),
        )
        self.recorder.emit(event)
        return event
