"""The apparatus every probe uses: fresh sign-ins, the app's clock, and a way to read answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

from harness.checks import CheckFailed
from harness.clock import FixedServerClock, RealTimeClock, VirtualClock
from harness.conformance.replies import ok, refused, told
from harness.conformance.session import Call, Held, RawSession
from harness.target import Reply, TargetProfile
from harness.target.contract import Purpose
from harness.target.model import Policy


class Sessions(Protocol):
    def __call__(
        self, user: str | int = 0, *, name: str | None = None, clock: VirtualClock | None = None
    ) -> RawSession: ...


@dataclass
class Lab:
    """One probe, one fresh sign-in: probes never see each other's sessions."""

    sessions: Sessions
    clock: VirtualClock
    profile: TargetProfile
    promise: Policy

    @property
    def movable(self) -> bool:
        """Whether the app's time can be moved (a test clock, or real waits)."""
        return not isinstance(self.clock.server, FixedServerClock)

    @property
    def activity(self) -> Call | None:
        """The request that counts as the user being active: [probe], else [action]."""
        if self.profile.probe is not None:
            return "probe"
        return "action" if self.profile.action is not None else None

    @asynccontextmanager
    async def fresh(self, name: str) -> AsyncIterator[RawSession]:
        """A new client of the first user, not yet signed in, closed afterwards."""
        session = self.sessions(0, name=name, clock=self.clock)
        if self.movable and not isinstance(self.clock, RealTimeClock):
            # A test clock ticks on in real time after each move: set it just before the
            # sign-in, so a token's whole-second `iat` is the virtual second, not one later.
            await self.clock.advance(1)
        try:
            yield session
        finally:
            await session.aclose()

    @asynccontextmanager
    async def signed_in(self, name: str) -> AsyncIterator[RawSession]:
        async with self.fresh(name) as session:
            await session.sign_in()
            yield session

    async def wait(self, seconds: float) -> None:
        if seconds > 0:
            await self.clock.advance(seconds)

    def served(self, reply: Reply, purpose: Purpose, what: str) -> bool:
        """True when served, False when refused; a crash is no answer to measure by."""
        if ok(reply):
            return True
        if refused(reply):
            return False
        raise CheckFailed(f"{what}: [{purpose}] answered {told(self.profile, reply, purpose)}")

    async def refreshed(self, session: RawSession, what: str) -> bool:
        return self.served(await session.refresh(label=what), "refresh", what)

    async def first_refresh(self, session: RawSession) -> None:
        """The refresh right after a fresh sign-in; refused, nothing else can be measured."""
        reply = await session.refresh(label="refresh")
        if not self.served(reply, "refresh", "the first refresh of a fresh sign-in"):
            reason = told(self.profile, reply, "refresh")
            raise CheckFailed(f"the first refresh of a fresh sign-in was refused: {reason}")

    async def active(self, session: RawSession, what: str, token: str | None = None) -> bool:
        """The activity request (with `token`, default the current access token) served?"""
        call = self.activity
        assert call is not None
        return self.served(await session.call(call, token, label=what), call, what)

    async def refreshed_with(self, session: RawSession, held: Held, what: str) -> bool:
        """A refresh with what the client held then (an older token, its cookies)."""
        return self.served(await session.refresh(held, label=what), "refresh", what)
