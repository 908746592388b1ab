"""The refresh token dies at its TTL, counted from the last refresh (sliding) or sign-in (fixed)."""

from __future__ import annotations

import pytest

from harness.checks import CheckFailed
from harness.clock import VirtualClock
from harness.conformance import needs
from harness.conformance.activity import Ended, active_step, stay_active
from harness.conformance.lifetimes import Lifetime, refresh_lifetime
from harness.conformance.plugin import SessionFactory
from harness.conformance.replies import expect_refused
from harness.conformance.session import RawSession
from harness.fixtures import not_applicable
from harness.report.verdicts import Verdict
from harness.target.model import Policy

# Long enough past the TTL that sliding and fixed expiry cannot be mistaken for each other.
SLIDING_SPAN = 1.5


def known_lifetime(promise: Policy, session: RawSession) -> Lifetime:
    lifetime = refresh_lifetime(promise, session.current_refresh_token())
    if lifetime is None:
        not_applicable(
            "needs the refresh token's lifetime: policy.refresh_ttl_seconds or a JWT refresh token"
        )
    return lifetime


@pytest.mark.reference(
    "RFC 9700 §4.14.2", "OWASP ASVS 5.0 V7.3.2", "Story 3.2 test table: Refresh token expired"
)
async def test_refresh_after_the_refresh_ttl_is_refused(
    sessions: SessionFactory, clock: VirtualClock, verdict: Verdict
) -> None:
    session = sessions(clock=clock)
    promise = await session.promise()
    await session.sign_in()
    lifetime = known_lifetime(promise, session)
    wait = lifetime.seconds + needs.margin(lifetime.seconds)
    needs.clock_for(clock, wait)
    await clock.advance(wait)
    reply = await session.refresh(label=f"refresh {wait:,.0f} s after sign-in")
    what = f"a refresh {wait:,.0f} s after sign-in (refresh lifetime {lifetime})"
    verdict.observe("refused: " + expect_refused(session.profile, reply, "refresh", what))


@pytest.mark.slow  # activity every idle period, over the whole lifetime
@pytest.mark.reference("OWASP ASVS 5.0 V10.4.8", "RFC 9700 §4.14.2")
async def test_refresh_expiry_slides_or_stays_fixed_as_promised(
    sessions: SessionFactory, clock: VirtualClock, verdict: Verdict
) -> None:
    session = sessions(clock=clock)
    profile = session.profile
    promise = await session.promise()
    await session.sign_in()
    ttl = known_lifetime(promise, session).seconds
    span = SLIDING_SPAN * ttl
    if promise.absolute_seconds is not None and promise.absolute_seconds < span:
        not_applicable(f"the absolute lifetime ends the session before {span:,.0f} s")
    needs.clock_for(clock, span)
    activity = needs.activity(profile) if promise.idle_timeout_seconds else None
    step = active_step(ttl, promise.idle_timeout_seconds)
    ended = await stay_active(session, clock, span, step=step, activity=activity)
    seen = judge_expiry(ended, ttl, step)
    expected = promise.refresh_expiry
    if expected is None:
        verdict.observe(f"{seen} (no refresh expiry promised)")
    elif not seen.startswith(expected):
        raise CheckFailed(f"promised a {expected} refresh expiry (TTL {ttl:,.0f} s); saw: {seen}")
    else:
        verdict.observe(seen)


def judge_expiry(ended: Ended | None, ttl: float, step: float) -> str:
    """What an active session's end says about the refresh expiry."""
    if ended is None:
        return f"sliding: active every {step:,.0f} s, still signed in {SLIDING_SPAN} x TTL later"
    if ttl < ended.after_s <= ttl + step:
        return f"fixed: {ended}, at the first refresh past the TTL"
    return f"neither: {ended}, before the TTL of {ttl:,.0f} s"
