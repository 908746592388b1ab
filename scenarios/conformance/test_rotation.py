"""Every refresh hands out a new refresh token; every sign-in a new session."""

from __future__ import annotations

import pytest

from harness.checks import CheckFailed
from harness.conformance.plugin import SessionFactory
from harness.conformance.replies import expect_ok
from harness.fixtures import not_applicable
from harness.report.verdicts import Verdict

PUBLIC_CLIENT = (
    "a browser app is a public client: RFC 9700 requires its refresh tokens to be rotated "
    "or sender-constrained"
)


@pytest.mark.reference("RFC 9700 §2.2.2", "RFC 9700 §4.14.2", "OWASP ASVS 5.0 V10.4.5")
async def test_refresh_rotates_the_refresh_token(
    sessions: SessionFactory, verdict: Verdict
) -> None:
    session = sessions()
    promise = await session.promise()
    await session.sign_in()
    tokens = [session.current_refresh_token()]
    if tokens[0] is None:
        not_applicable("the client never holds a refresh token")
    for n in (1, 2):
        reply = await session.refresh(label=f"refresh #{n}")
        expect_ok(session.profile, reply, "refresh", f"refresh #{n} with the current token")
        tokens.append(session.current_refresh_token())
    distinct = len(set(tokens))
    if distinct == len(tokens):
        verdict.observe("a new refresh token on every refresh")
        if promise.rotation is False:
            verdict.warn("the app rotates, although the profile says policy.rotation = false")
        return
    if distinct > 1:
        raise CheckFailed(f"the refresh token is rotated only sometimes ({distinct} of 3 distinct)")
    said = " (as the profile says: policy.rotation = false)" if promise.rotation is False else ""
    raise CheckFailed(f"the refresh token is never rotated{said}; {PUBLIC_CLIENT}")


@pytest.mark.reference("OWASP ASVS 5.0 V7.2.4", "WSTG-SESS-03")
async def test_each_sign_in_gets_new_tokens(sessions: SessionFactory, verdict: Verdict) -> None:
    first, second = sessions(name="sign-in1"), sessions(name="sign-in2")
    await first.sign_in()
    await second.sign_in()
    refresh = (first.current_refresh_token(), second.current_refresh_token())
    if refresh[0] is not None and refresh[0] == refresh[1]:
        raise CheckFailed("two sign-ins of the same user got the same refresh token")
    if first.access_token == second.access_token:
        verdict.warn("two sign-ins in the same second got the same access token (no jti?)")
    else:
        verdict.observe("new access and refresh tokens on every sign-in")
