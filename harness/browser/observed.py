"""What one browser profile's traffic says about its session, seen from outside the app.

Shared by the profile's tabs: the tokens the app handed out (and to which tab), whether a
refresh follows a refusal, consecutive failed refreshes, a sign-out on its way. All of it is
read with the target profile alone, so it holds for any app.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from harness.target import TargetProfile
from harness.target.contract import ContractError, read_grant
from harness.target.locations import Reply


@dataclass(frozen=True)
class Issued:
    """A token answer as the outside sees it."""

    access_expires_at: datetime | None
    session_expires_at: datetime | None
    rotated: bool  # a refresh token never seen before came back from a refresh


def cookies_of(set_cookies: list[str]) -> dict[str, str]:
    """Name → value of the cookies these Set-Cookie header values set."""
    found: dict[str, str] = {}
    for header in set_cookies:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


class Observed:
    """The profile's session as its pages' requests and answers show it."""

    def __init__(self, spec: TargetProfile) -> None:
        self.spec = spec
        self.signed_out = False  # the user signed out: moves to the login page are expected
        self._refresh_tokens: set[str] = set()
        self._failures = 0  # refreshes failed in a row, not refused (the network, a 5xx)
        # The last of those: (when, why). The client retries, or tells the user (a banner).
        self.transient: tuple[datetime, str] | None = None
        self._refused = False  # an API call was refused since the last token answer
        self._issued: dict[str, tuple[str, datetime | None]] = {}  # access token → tab, expiry
        self._using: dict[str, str] = {}  # tab → the access token it last presented

    def signed_in_again(self) -> None:
        """A sign-in request left: a move to the login page from now on is unexpected."""
        self.signed_out = False

    def signing_out(self) -> None:
        """The user asked to sign out (the driver's own click)."""
        self.signed_out = True

    def refused(self, at: datetime) -> None:
        self._refused = True

    def refresh_reason(self) -> str:
        """ "reactive" after a refused API call, else "proactive" (before any refusal)."""
        return "reactive" if self._refused else "proactive"

    def refresh_attempt(self) -> int:
        """1 for a new refresh, n + 1 for the n-th retry after failures that were not refusals."""
        return self._failures + 1

    def refresh_failed(self, at: datetime, error: str, *, fatal: bool) -> None:
        self._failures = 0 if fatal else self._failures + 1
        self.transient = None if fatal else (at, error)

    def gave_up(self) -> tuple[datetime, str] | None:
        """The transient failure the client has just told the user about (it stopped retrying)."""
        failed, self.transient, self._failures = self.transient, None, 0
        return failed

    def issued(
        self, purpose: Literal["login", "refresh"], reply: Reply, at: datetime, tab: str
    ) -> Issued:
        """A successful login or refresh answer: its token's expiry, and whether it rotated."""
        self._failures = 0
        self.transient = None
        self._refused = False
        try:
            grant = read_grant(self.spec, purpose, reply, at)
        except ContractError:
            return Issued(None, None, rotated=False)
        fresh = grant.refresh_token is not None and grant.refresh_token not in self._refresh_tokens
        if grant.refresh_token is not None:
            self._refresh_tokens.add(grant.refresh_token)
        self._issued[grant.access_token] = (tab, grant.access_expires_at)
        self._using[tab] = grant.access_token
        return Issued(
            grant.access_expires_at,
            grant.session_expires_at,
            rotated=fresh and purpose == "refresh",
        )

    def token_in(self, headers: Mapping[str, str]) -> str | None:
        """The access token a request presents, where the profile's [access] headers put it."""
        for name, template in self.spec.access.headers.items():
            prefix, found, suffix = template.partition("{access_token}")
            value = headers.get(name.lower())
            if not found or value is None:
                continue
            if value.startswith(prefix) and value.endswith(suffix):
                return value[len(prefix) : len(value) - len(suffix)] or None
        return None

    def adopted_by(self, tab: str, token: str) -> datetime | Literal[False] | None:
        """A tab presenting `token` for the first time: the token's expiry when another tab
        was handed it (an adoption), else False."""
        if self._using.get(tab) == token:
            return False
        self._using[tab] = token
        issuer = self._issued.get(token)
        if issuer is None or issuer[0] == tab:
            return False
        return issuer[1]
