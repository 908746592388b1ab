"""Access tokens an app must refuse: expired, tampered, `alg: none`, another key, refresh."""

from __future__ import annotations

import pytest

from harness.clock import VirtualClock
from harness.conformance import forgery, needs
from harness.conformance.forgery import Forgery, NotForgeable
from harness.conformance.lifetimes import access_lifetime
from harness.conformance.plugin import SessionFactory
from harness.conformance.replies import expect_refused
from harness.conformance.steps import signed_in
from harness.fixtures import not_applicable
from harness.report.verdicts import Verdict
from harness.target import contract

FORGERIES = [
    pytest.param(
        "tampered",
        marks=pytest.mark.reference("OWASP ASVS 5.0 V9.1.1", "RFC 7515 §5.2", "WSTG-SESS-10"),
    ),
    pytest.param(
        "alg_none",
        marks=pytest.mark.reference("OWASP ASVS 5.0 V9.1.2", "RFC 8725 §3.1", "WSTG-SESS-10"),
    ),
    pytest.param(
        "other_key",
        marks=pytest.mark.reference("OWASP ASVS 5.0 V9.1.1", "RFC 8725 §3.1", "WSTG-SESS-10"),
    ),
]


@pytest.mark.parametrize("kind", FORGERIES)
async def test_forged_access_token_is_rejected(
    sessions: SessionFactory, verdict: Verdict, kind: Forgery
) -> None:
    session = sessions()
    purpose = needs.activity(session.profile)
    await signed_in(session, purpose)
    try:
        forged = forgery.forge(session.access_token or "", kind)
    except NotForgeable as exc:
        not_applicable(str(exc))
    session.evidence.redactor.label(forged, "forged")
    reply = await session.call(purpose, forged, label=f"a {kind.replace('_', ' ')} access token")
    what = f"an access token forged ({kind.replace('_', ' ')})"
    verdict.observe("refused: " + expect_refused(session.profile, reply, purpose, what))


@pytest.mark.reference("OWASP ASVS 5.0 V9.2.1", "RFC 7519 §4.1.4", "WSTG-SESS-07")
async def test_expired_access_token_is_rejected(
    sessions: SessionFactory, clock: VirtualClock, verdict: Verdict
) -> None:
    session = sessions(clock=clock)
    purpose = needs.activity(session.profile)
    login = await signed_in(session, purpose)
    assert session.grant is not None
    lifetime = access_lifetime(session.profile, "login", login, session.grant)
    if lifetime is None:
        not_applicable("cannot tell when the access token expires (no exp, expires_in or expiry)")
    wait = lifetime.seconds + needs.margin(lifetime.seconds)
    needs.clock_for(clock, wait)
    await clock.advance(wait)
    reply = await session.call(purpose, label=f"the access token, {wait:,.0f} s after sign-in")
    told = expect_refused(session.profile, reply, purpose, f"an access token {wait:,.0f} s old")
    verdict.observe(f"refused after {wait:,.0f} s (lifetime {lifetime}): {told}")
    if not contract.access_rejected(session.profile, reply):
        statuses = session.profile.access.rejected_status
        verdict.warn(
            f"an expired token is refused with {reply.status}, not {statuses} "
            "(access.rejected_status): the client will not refresh and retry"
        )


@pytest.mark.reference("OWASP ASVS 5.0 V9.2.2", "RFC 8725 §3.12", "WSTG-SESS-10")
async def test_refresh_token_is_not_accepted_as_access_token(
    sessions: SessionFactory, verdict: Verdict
) -> None:
    session = sessions()
    purpose = needs.activity(session.profile)
    await signed_in(session, purpose)
    refresh = session.current_refresh_token()
    if refresh is None:
        not_applicable("the client never holds a refresh token")
    reply = await session.call(purpose, refresh, label="the refresh token as access token")
    told = expect_refused(session.profile, reply, purpose, "the refresh token as access token")
    verdict.observe(f"refused: {told}")
