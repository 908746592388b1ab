"""How long things live: access tokens, a session left alone, a session kept active."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from harness.conformance.lifetimes import access_lifetime, refresh_lifetime
from harness.conformance.session import RawSession
from harness.measure.lab import Lab
from harness.measure.search import Bracket, first_refused
from harness.target.contract import Grant

DAY_S = 86_400
# How far a search looks before it says "no deadline": longer than any session policy in
# reference.md (Okta's refresh tokens: 7 days unused; ASVS: 12 h absolute).
CEILING_S = 100 * DAY_S
DEFAULT_GUESS_S = 3_600.0
# A session kept active is probed at most this often: a 2 s idle timeout must not mean
# four million steps to reach the ceiling.
MAX_KEPT_STEPS = 2_000


async def access_deadline(lab: Lab, via: Literal["login", "refresh"]) -> tuple[Bracket, str]:
    """When an access token issued by `via` stops being accepted; and what its claims say."""
    async with lab.fresh(f"access token by {via}: what it says") as session:
        reply = await session.sign_in()
        if via == "refresh":
            reply = await session.refresh()
        assert session.grant is not None
        said = access_lifetime(lab.profile, via, reply, session.grant)
    guess = said.seconds if said else lab.promise.access_ttl_seconds or DEFAULT_GUESS_S

    async def works(age: int) -> bool:
        async with lab.signed_in(f"access token by {via}, used {age:,} s later") as session:
            if via == "refresh":
                await lab.first_refresh(session)
            await lab.wait(age)
            return await lab.active(session, f"the access token {age:,} s after {via}")

    return await first_refused(works, guess=guess, ceiling=CEILING_S), str(said or "nothing")


async def alone_deadline(lab: Lab) -> Bracket:
    """When a session nobody uses can no longer be refreshed (idle timeout or refresh TTL)."""
    async with lab.signed_in("a session's announced deadlines") as session:
        guess = _alone_guess(lab, session.grant, session.current_refresh_token())

    async def works(age: int) -> bool:
        async with lab.signed_in(f"left alone {age:,} s") as session:
            await lab.wait(age)
            return await lab.refreshed(session, f"refresh after {age:,} s alone")

    return await first_refused(works, guess=guess, ceiling=CEILING_S)


def _alone_guess(lab: Lab, grant: Grant | None, refresh_token: str | None) -> float:
    promise = lab.promise
    known = [promise.idle_timeout_seconds or None]
    lifetime = refresh_lifetime(promise, refresh_token)
    known.append(lifetime.seconds if lifetime else None)
    if grant is not None and grant.idle_expires_at and grant.server_time:
        known.append((grant.idle_expires_at - grant.server_time).total_seconds())
    return min([k for k in known if k] or [DEFAULT_GUESS_S])


async def activity_extends(lab: Lab, alone: int, access: int) -> bool | None:
    """Whether a request (no refresh) made while the access token still works keeps a session
    alive past `alone`, the age at which a session left alone was refused; None: cannot tell."""
    at = min(alone, access) - margin(min(alone, access))
    if lab.activity is None or at < 2:
        return None
    async with lab.signed_in("active once, never refreshed") as session:
        await lab.wait(at)
        if not await lab.active(session, f"a request {at:,} s after sign-in"):
            return None
        await lab.wait(alone + 1 - at)
        return await lab.refreshed(session, f"refresh {alone + 1:,} s after sign-in")


@dataclass(frozen=True)
class Kept:
    """A session refreshed and used every `step` seconds: how long it lasted."""

    bracket: Bracket
    step: int


async def kept_alive(lab: Lab, alone: int, hint: float | None) -> Kept:
    """Refresh and use a session every `step` (inside `alone`) until it is refused; near the
    hinted end (an absolute lifetime promised or announced) probe the seconds around it."""
    step = max(1, alone - margin(alone))
    ceiling = min(max(CEILING_S, 2 * math.ceil(hint or 0)), step * MAX_KEPT_STEPS)
    end = math.ceil(hint or 0)
    stops = [end - 1, end, end + 1] if end > 1 else []
    async with lab.signed_in("kept active") as session:
        age, probes = 0, 0
        while age < ceiling:
            later = min(age + step, ceiling, *[s for s in stops if s > age] or [ceiling])
            await lab.wait(later - age)
            probes += 1
            if not await _still_works(lab, session, later):
                return Kept(Bracket(age, later, probes), step)
            age = later
        return Kept(Bracket(age, None, probes), step)


async def _still_works(lab: Lab, session: RawSession, age: int) -> bool:
    if not await lab.refreshed(session, f"refresh, kept active, {age:,} s in"):
        return False
    if lab.activity is None:
        return True
    return await lab.active(session, f"a request, kept active, {age:,} s in")


async def announced_end(lab: Lab) -> float | None:
    """The session's absolute end as the app announces or promises it, in seconds."""
    if lab.promise.absolute_seconds is not None:
        return lab.promise.absolute_seconds
    async with lab.signed_in("the session's announced end") as session:
        grant = session.grant
        if grant is None or grant.session_expires_at is None:
            return None
        issued = grant.server_time or session.now()
        return (grant.session_expires_at - issued).total_seconds()


def margin(seconds: float) -> int:
    """How far inside a deadline a step stays: 5% of it, at least 1 s and at most a minute."""
    return math.ceil(min(60.0, max(1.0, 0.05 * seconds)))
