"""Signing profiles in: through the profile's login, or from sessions the app mints in bulk.

The bulk path is the harness's bulk-session protocol (docs/load.md): one `POST` asks the app
for `count` sessions of one user and gets each back as its login would have answered it
(the body, and the `Set-Cookie` lines). A 10,000-profile storm then starts in seconds, and
login throughput is measured on its own, by a sample of profiles that still log in.

Loaded only in the Locust process (gevent).
"""

from __future__ import annotations

import time
from typing import Any

from gevent.lock import Semaphore

from harness.load.process import NetworkFailure, ProcessState, Wire
from harness.target import Reply, User, contract
from harness.target.contract import Outgoing

CHUNK = 100  # sessions per bulk request
BULK_NAME = "bulk sessions"


class SignInFailed(Exception):
    """A profile could not get a session; `str()` is the reason."""


class SessionPool:
    """Sessions minted in bulk, handed out one per profile (per user identifier)."""

    def __init__(self, process: ProcessState, path: str) -> None:
        self._process = process
        self._path = path
        self._ready: dict[str, list[dict[str, Any]]] = {}
        self._lock = Semaphore()

    def take(self, wire: Wire, user: User) -> dict[str, Any]:
        with self._lock:
            ready = self._ready.setdefault(user.identifier, [])
            if not ready:
                ready.extend(self._mint(wire, user))
            return ready.pop()

    def _mint(self, wire: Wire, user: User) -> list[dict[str, Any]]:
        outgoing = Outgoing(
            "login",
            "POST",
            self._path,
            dict(self._process.target.headers),
            json={"identifier": user.identifier, "count": CHUNK},
        )
        try:
            reply = wire.send(outgoing, name=BULK_NAME)
        except NetworkFailure as exc:
            raise SignInFailed(f"bulk sessions: no answer ({exc})") from None
        sessions = reply.json.get("sessions") if isinstance(reply.json, dict) else None
        if reply.status != 200 or not isinstance(sessions, list) or not sessions:
            raise SignInFailed(f"bulk sessions answered {reply.status}")
        return [s for s in sessions if isinstance(s, dict)]


def log_in(process: ProcessState, wire: Wire, user: User) -> Reply:
    """The profile's [login] request as the user; the reply of a successful sign-in."""
    target = process.target
    outgoing = contract.build(
        target, target.login, "login", identifier=user.identifier, password=user.secret()
    )
    started = time.time()
    try:
        reply = wire.send(outgoing, name="login")
    except NetworkFailure as exc:
        raise SignInFailed(f"login: no answer ({exc})") from None
    if not 200 <= reply.status < 300:
        raise SignInFailed(f"login answered {contract.reason_of(target, reply, 'login')}")
    process.tally.login_timed(started, time.time())
    return reply


def from_pool(pool: SessionPool, process: ProcessState, wire: Wire, user: User) -> Reply:
    """A minted session, its cookies put into this profile's jar as a login would."""
    session = pool.take(wire, user)
    lines = [str(line) for line in session.get("set_cookie", [])]
    wire.store_cookies(process.target.login.path, lines)
    cookies = {}
    for line in lines:
        name, _, rest = line.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    return Reply(200, json=session.get("json"), cookies=cookies)
