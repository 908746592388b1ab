"""The server's side of a browser profile's session, read through the app's session view."""

from __future__ import annotations

from typing import Protocol

import httpx

from harness.client.target import Target
from harness.client.wire import build_request
from harness.clock import VirtualClock
from harness.target import contract
from harness.target.session_view import SessionRecord, SessionViewError, parse_session_view

# An app in this process is reached at a loopback name: the view answers loopback hosts only.
IN_PROCESS_URL = "http://localhost"


class SignedIn(Protocol):
    """A browser profile, simulated or in Chromium: its last sign-in names the session."""

    @property
    def login_access_token(self) -> str | None: ...


class ServerView:
    """`await view.session(profile)`: that profile's last session as the server keeps it.

    None when the target has no `[capabilities] session_view` (server-side checks are then
    not applicable; the fixture reports that on the test).
    """

    def __init__(self, target: Target, clock: VirtualClock | None = None) -> None:
        self.target = target
        self.clock = clock
        self.path = target.profile.capabilities.session_view
        base_url = IN_PROCESS_URL if target.embedded else target.base_url
        self._http = httpx.AsyncClient(
            transport=target.transport(), base_url=base_url, headers=target.profile.headers
        )

    @property
    def available(self) -> bool:
        return self.path is not None

    async def session(self, profile: SignedIn) -> SessionRecord | None:
        """The session `profile` last signed in to (signed out since or not)."""
        if self.path is None:
            return None
        token = profile.login_access_token
        if token is None:
            raise SessionViewError(f"{profile!r} never signed in: it has no session to read")
        if self.clock is not None and self.clock.server is not None:
            await self.clock.server.sync()  # the server judges at the virtual now
        outgoing = contract.authed(self.target.profile, "GET", f"{self.path}/current", token)
        response = await self._http.send(build_request(self._http, outgoing))
        if response.status_code != 200:
            raise SessionViewError(
                f"GET {self.path}/current answered {response.status_code}: "
                f"{response.text[:200]} (is the app's test clock enabled, on loopback?)"
            )
        read_at = self.clock.now() if self.clock is not None else None
        return parse_session_view(response.json(), read_at=read_at)

    async def aclose(self) -> None:
        await self._http.aclose()
