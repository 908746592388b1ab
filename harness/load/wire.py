"""Locust's FastHttpSession as a profile's wire: the contract's requests in, its replies out.

Loaded only in the Locust process. The session's cookie jar is the browser profile's (it
sends HttpOnly cookies by their path, as a browser does); client-side faults are applied
here, before and after the request, and never reach Locust's statistics as server errors.
"""

from __future__ import annotations

import json
import urllib.request
from email.message import Message
from http.cookiejar import CookieJar
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import urlencode

import gevent
from geventhttpclient.response import HTTPConnectionClosed
from locust.contrib.fasthttp import FastHttpSession

from harness.load.process import Faults, NetworkFailure
from harness.load.tally import Tally
from harness.target import Reply
from harness.target.contract import Outgoing

INJECTED_503 = {"error": "unavailable", "message": "injected by the storm (client side)"}


class LocustWire:
    def __init__(self, session: FastHttpSession, faults: Faults, tally: Tally) -> None:
        self._session = session
        self._faults = faults
        self._tally = tally

    def cookies(self) -> dict[str, str]:
        return {cookie.name: cookie.value or "" for cookie in self._session.cookiejar}

    def store_cookies(self, path: str, lines: list[str]) -> None:
        """Take `Set-Cookie` lines as if a response to `path` had carried them."""
        message = Message()
        for line in lines:
            message["Set-Cookie"] = line
        request = urllib.request.Request(f"{self._session.base_url}{path}")
        self._session.cookiejar.extract_cookies(_Received(message), request)  # type: ignore[arg-type]

    def send(self, outgoing: Outgoing, *, name: str) -> Reply:
        fault = self._faults.current()
        if fault is not None:
            self._tally.add("injected_faults")
            if fault == "503":  # a proxy's answer: the request never reaches the app
                return Reply(503, json=INJECTED_503)
            gevent.sleep(self._faults.remaining_s())  # a stall: it goes through afterwards
        lose = self._faults.lose(outgoing)
        jar = _saved(self._session.cookiejar) if lose else None
        reply = self._exchange(outgoing, name)
        if jar is not None:
            # The app answered, but the answer (and its Set-Cookie) never reached the browser.
            _restore(self._session.cookiejar, jar)
            self._tally.add("injected_faults")
            raise NetworkFailure("lost_response")
        return reply

    def _exchange(self, outgoing: Outgoing, name: str) -> Reply:
        headers = dict(outgoing.headers)
        body: str | None = None
        if outgoing.json is not None:
            body = json.dumps(outgoing.json)
            headers.setdefault("Content-Type", "application/json")
        elif outgoing.form is not None:
            body = urlencode(outgoing.form)
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        try:
            return self._once(outgoing, name, headers, body, resend_stale=True)
        except _StaleConnection:
            # A browser sends a request again, whatever its method, when the kept-alive
            # connection it went out on was closed before any answer came (uvicorn closes
            # idle ones after 5 s): the app never saw it.
            return self._once(outgoing, name, headers, body, resend_stale=False)

    def _once(
        self,
        outgoing: Outgoing,
        name: str,
        headers: dict[str, str],
        body: str | None,
        *,
        resend_stale: bool,
    ) -> Reply:
        with self._session.request(
            outgoing.method,
            outgoing.path,
            data=body,
            headers=headers,
            name=name,
            catch_response=True,
        ) as response:
            status = response.status_code
            if status == 0:
                error = getattr(response, "error", None)
                if resend_stale and isinstance(error, HTTPConnectionClosed):
                    raise _StaleConnection  # leaves the with-block unreported
                response.failure(error or "no answer")
                raise NetworkFailure(type(error).__name__ if error else "no_answer")
            if status >= 500:
                response.failure(f"{status}")
            else:
                response.success()  # refusals are the storm's business, not Locust's
            return reply_of(response)


class _StaleConnection(Exception):
    """The connection was closed before the request got any answer."""


def reply_of(response: Any) -> Reply:
    headers = response.headers
    names: dict[str, str] = {}
    cookies: dict[str, str] = {}
    if headers is not None:
        for key, value in headers.items():
            names[key.lower()] = value
        for line in headers.getlist("set-cookie"):
            cookies.update(_set_cookie(line))
    content = response.content or b""
    body: Any = None
    text = ""
    if content:
        try:
            body = json.loads(content)
        except ValueError:
            text = content.decode("utf-8", "replace")
    return Reply(status=response.status_code, headers=names, json=body, cookies=cookies, text=text)


def _set_cookie(line: str) -> dict[str, str]:
    try:
        parsed = SimpleCookie(line)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in parsed.items()}


class _Received:
    """The one method CookieJar.extract_cookies asks of a response."""

    def __init__(self, message: Message) -> None:
        self._message = message

    def info(self) -> Message:
        return self._message


def _saved(jar: CookieJar) -> list[Any]:
    return list(jar)


def _restore(jar: CookieJar, cookies: list[Any]) -> None:
    jar.clear()
    for cookie in cookies:
        jar.set_cookie(cookie)
