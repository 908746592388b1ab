"""Idle timeout and absolute lifetime, enforced by the server; activity moves the idle deadline."""

from __future__ import annotations

import pytest

from harness.checks import CheckFailed
from harness.clock import VirtualClock
from harness.conformance import needs
from harness.conformance.activity import active_step, stay_active
from harness.conformance.lifetimes import refresh_lifetime
from harness.conformance.plugin import SessionFactory
from harness.conformance.replies import ok, refused, told
from harness.conformance.session import RawSession
from harness.fixtures import not_applicable
from harness.report.verdicts import Verdict
from harness.target.model import Policy


def idle_timeout(promise: Policy) -> float:
    idle = needs.promised(promise, "idle_timeout_seconds", "an idle timeout")
    if idle == 0:
        not_applicable("the profile promises no idle timeout (policy.idle_timeout_seconds = 0)")
    return idle


async def still_usable(session: RawSession, verdict: Verdict, when: str) -> bool:
    """Whether the session still works at `when`: a refresh, then (if served) a request."""
    profile = session.profile
    reply = await session.refresh(label=f"refresh {when}")
    if refused(reply):
        verdict.observe(f"refresh {when}: {told(profile, reply, 'refresh')}")
        return False
    if not ok(reply):
        raise CheckFailed(f"refresh {when} was not refused cleanly: {reply.status}")
    if profile.probe is None and profile.action is None:
        return True
    activity = needs.activity(profile)
    reply = await session.call(activity, label=f"{activity} {when}")
    verdict.observe(f"refresh {when} served, then {activity}: {told(profile, reply, activity)}")
    return ok(reply)


@pytest.mark.reference("OWASP ASVS 5.0 V7.3.1", "RFC 9700 §4.14.2", "Story 3.2 AC6")
async def test_idle_session_ends_after_the_idle_timeout(
    sessions: SessionFactory, clock: VirtualClock, verdict: Verdict
) -> None:
    session = sessions(clock=clock)
    idle = idle_timeout(await session.promise())
    await session.sign_in()
    wait = idle + needs.margin(idle)
    needs.clock_for(clock, wait)
    await clock.advance(wait)
    if await still_usable(session, verdict, f"after {wait:,.0f} s without activity"):
        raise CheckFailed(f"the session works after {wait:,.0f} s idle (promised {idle:,.0f} s)")


@pytest.mark.reference("OWASP ASVS 5.0 V7.3.1", "Story 3.2 AC5")
async def test_activity_extends_the_idle_deadline(
    sessions: SessionFactory, clock: VirtualClock, verdict: Verdict
) -> None:
    session = sessions(clock=clock)
    idle = idle_timeout(await session.promise())
    activity = needs.activity(session.profile)
    await session.sign_in()
    step, span = 0.6 * idle, 1.8 * idle
    needs.clock_for(clock, span)
    ended = await stay_active(session, clock, span, step=step, activity=activity)
    if ended is not None:
        raise CheckFailed(
            f"signed out although active every {step:,.0f} s: {ended} (idle timeout {idle:,.0f} s)"
        )
    verdict.observe(f"active every {step:,.0f} s for {span:,.0f} s: still signed in")


@pytest.mark.slow  # activity every idle period, over the whole lifetime
@pytest.mark.reference("OWASP ASVS 5.0 V7.3.2", "OWASP ASVS 5.0 V10.4.8")
async def test_absolute_lifetime_ends_an_active_session(
    sessions: SessionFactory, clock: VirtualClock, verdict: Verdict
) -> None:
    session = sessions(clock=clock)
    promise = await session.promise()
    absolute = needs.promised(promise, "absolute_seconds", "an absolute lifetime")
    await session.sign_in()
    lifetime = refresh_lifetime(promise, session.current_refresh_token())
    # Short enough that the last quiet stretch (2 margins) stays inside the idle timeout.
    margin = min(needs.margin(absolute), 0.25 * (promise.idle_timeout_seconds or absolute))
    needs.clock_for(clock, absolute + margin)
    activity = needs.activity(session.profile) if promise.idle_timeout_seconds else None
    limits = (promise.idle_timeout_seconds, lifetime.seconds if lifetime else None, absolute)
    step = active_step(*limits)
    ended = await stay_active(session, clock, absolute - margin, step=step, activity=activity)
    if ended is not None:
        raise CheckFailed(f"an active session ended before {absolute:,.0f} s (absolute): {ended}")
    await clock.advance(2 * margin)
    if await still_usable(session, verdict, f"{absolute + margin:,.0f} s after sign-in"):
        raise CheckFailed(f"the session works past its absolute lifetime of {absolute:,.0f} s")
