"""A raw session for conformance checks: the profile's requests one by one, no client logic.

Unlike a simulated tab, a `RawSession` never refreshes, retries or signs out on its own: a
check sends exactly the requests it means to (an old refresh token, a forged access token,
a refresh without its CSRF header) and judges each answer. Every exchange is evidence.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from http.cookiejar import Cookie
from typing import Literal

import httpx

from harness._realtime import wall_now
from harness.checks import CheckFailed
from harness.client.target import Target
from harness.client.wire import build_request, jar, reply_of
from harness.clock import VirtualClock
from harness.conformance.evidence import Evidence
from harness.target import Reply, TargetProfile, User, contract
from harness.target.contract import ContractError, Grant, Outgoing, Purpose
from harness.target.model import Policy, Request

Call = Literal["probe", "action", "stream"]
TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Held:
    """What a client holds at one moment: its cookies and the tokens it keeps itself."""

    cookies: tuple[Cookie, ...]
    access_token: str | None
    refresh_token: str | None  # the refresh token, wherever it is kept
    body_refresh_token: str | None  # the one the app handed over in a body, if any


class RawSession:
    """One client of one user: its own cookie jar and connection, every request on demand."""

    def __init__(
        self,
        target: Target,
        user: User,
        evidence: Evidence,
        clock: VirtualClock | None = None,
        *,
        name: str | None = None,
    ) -> None:
        self.target = target
        self.user = user
        self.evidence = evidence
        self.clock = clock
        self.name = name or user.name
        self.http = httpx.AsyncClient(transport=target.transport(), base_url=target.base_url)
        self.access_token: str | None = None
        self.grant: Grant | None = None  # the last successful login or refresh
        self._body_refresh_token: str | None = None
        self._tabs: list[RawSession] = []  # closed with this session

    def __repr__(self) -> str:
        return f"<RawSession {self.name} of {self.target.profile.name}>"

    @property
    def profile(self) -> TargetProfile:
        return self.target.profile

    def now(self) -> datetime:
        return self.clock.now() if self.clock is not None else wall_now()

    async def promise(self) -> Policy:
        """What the app promises: the profile's [policy] with the values it serves filled in."""
        await self.target.served(self.http)
        return self.target.promise

    # -- the profile's requests -----------------------------------------------------------

    async def login(self, *, label: str = "sign in") -> Reply:
        profile, user = self.profile, self.user
        password = user.secret()
        self.evidence.redactor.label(password, "password")
        outgoing = contract.build(
            profile, profile.login, "login", identifier=user.identifier, password=password
        )
        return await self.send(outgoing, label)

    async def sign_in(self) -> Reply:
        """Log in (the answer carries a grant), or fail the check saying why the app refused."""
        reply = await self.login()
        if self.grant is None or not 200 <= reply.status < 300:
            reason = contract.reason_of(self.profile, reply, "login")
            raise CheckFailed(f"cannot sign in as {self.user.name}: {reply.status} {reason}")
        return reply

    async def refresh(
        self,
        held: Held | None = None,
        *,
        label: str = "refresh",
        headers: Mapping[str, str | None] | None = None,
    ) -> Reply:
        """Refresh with what the client holds now, or with `held` (an older state) restored.

        `headers` changes the request's headers: a value replaces, None removes (CSRF checks).
        """
        if held is not None:
            self.restore(held)
        token = self.current_refresh_token()
        named = {"refresh_token": token} if token else {}
        outgoing = contract.build(
            self.profile,
            self.profile.refresh,
            "refresh",
            cookies=jar(self.http),
            access_token=self.access_token,
            **named,
        )
        return await self.send(_with_headers(outgoing, headers or {}), label)

    async def call(
        self,
        purpose: Call = "probe",
        access_token: str | None = None,
        *,
        label: str = "",
        text: str = "2+2",
    ) -> Reply:
        """[probe], [action] or [stream] with `access_token` (default: the current one);
        `text` is what the user types (the `{text}` of an action's fields)."""
        spec: Request | None = getattr(self.profile, purpose)
        if spec is None:
            raise LookupError(f"the target profile declares no [{purpose}] request")
        token = access_token if access_token is not None else self.access_token
        return await self.send(self._build(spec, purpose, token, text=text), label or purpose)

    async def logout(self, *, label: str = "log out") -> Reply:
        spec = self.profile.logout
        if spec is None:
            raise LookupError("the target profile declares no [logout] request")
        return await self.send(self._build(spec, "logout", self.access_token), label)

    async def logout_all(self, *, label: str = "log out everywhere") -> Reply:
        spec = self.profile.logout_all
        if spec is None:
            raise LookupError("the target profile declares no [logout_all] request")
        return await self.send(self._build(spec, "logout_all", self.access_token), label)

    def _build(self, spec: Request, purpose: Purpose, token: str | None, **named: str) -> Outgoing:
        refresh = self.current_refresh_token()
        return contract.build(
            self.profile,
            spec,
            purpose,
            cookies=jar(self.http),
            access_token=token,
            **named,
            **({"refresh_token": refresh} if refresh else {}),
        )

    # -- what the client holds ------------------------------------------------------------

    def current_refresh_token(self) -> str | None:
        cookie = self.profile.refresh_cookie()
        if cookie is not None:
            return jar(self.http).get(cookie) or None
        return self._body_refresh_token

    def held(self) -> Held:
        return Held(
            cookies=tuple(copy.copy(c) for c in self.http.cookies.jar),
            access_token=self.access_token,
            refresh_token=self.current_refresh_token(),
            body_refresh_token=self._body_refresh_token,
        )

    def restore(self, held: Held) -> None:
        """Hold exactly what the client held then (cookies included), as after a lost answer."""
        cookies = self.http.cookies.jar
        cookies.clear()
        for cookie in held.cookies:
            cookies.set_cookie(copy.copy(cookie))
        self.access_token = held.access_token
        self._body_refresh_token = held.body_refresh_token

    def tab(self, name: str) -> RawSession:
        """Another tab of the same browser: a copy of what this one holds, its own connection."""
        other = RawSession(self.target, self.user, self.evidence, self.clock, name=name)
        other.restore(self.held())
        other.grant = self.grant
        self._tabs.append(other)
        return other

    # -- the wire -------------------------------------------------------------------------

    async def send(self, outgoing: Outgoing, label: str) -> Reply:
        """Send one request as built, record the exchange and take any tokens granted."""
        if self.clock is not None and self.clock.server is not None:
            await self.clock.server.sync()  # a deferred move of the app's clock comes first
        request = build_request(self.http, outgoing)
        at = self.now()
        self.evidence.sent(at, self.name, outgoing.purpose, request)
        try:
            response = await self.http.send(request)
        except httpx.TransportError as exc:
            error = f"no answer: {type(exc).__name__}: {exc}"
            self.evidence.exchange(at, self.name, label, outgoing.purpose, request, None, error)
            raise
        reply = reply_of(response)
        problem: ContractError | None = None
        if outgoing.purpose in ("login", "refresh") and 200 <= reply.status < 300:
            try:
                self._take(outgoing.purpose, reply)
            except ContractError as exc:
                problem = exc
        self.evidence.exchange(at, self.name, label, outgoing.purpose, request, response)
        if problem is not None:
            raise CheckFailed(str(problem)) from None
        return reply

    def _take(self, purpose: Literal["login", "refresh"], reply: Reply) -> None:
        grant = contract.read_grant(self.profile, purpose, reply, self.now())
        redactor = self.evidence.redactor
        redactor.label(grant.access_token, "access")
        if grant.refresh_token is not None:
            self._body_refresh_token = grant.refresh_token
        refresh = self.current_refresh_token()
        if refresh is not None:
            redactor.label(refresh, "refresh")
        self.access_token = grant.access_token
        self.grant = grant

    async def aclose(self) -> None:
        """Close this session's connection and those of the tabs opened from it."""
        for tab in self._tabs:
            await tab.aclose()
        await self.http.aclose()


def _with_headers(outgoing: Outgoing, changes: Mapping[str, str | None]) -> Outgoing:
    if not changes:
        return outgoing
    lowered = {name.lower() for name in changes}
    headers = {k: v for k, v in outgoing.headers.items() if k.lower() not in lowered}
    headers.update({k: v for k, v in changes.items() if v is not None})
    return dataclasses.replace(outgoing, headers=headers)
