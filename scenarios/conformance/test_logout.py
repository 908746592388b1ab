"""Logging out ends the session on the server; logging out everywhere ends the others too."""

from __future__ import annotations

import pytest

from harness.checks import CheckFailed
from harness.conformance import needs
from harness.conformance.plugin import SessionFactory
from harness.conformance.replies import expect_ok, expect_refused, ok, told
from harness.fixtures import not_applicable
from harness.report.verdicts import Verdict


@pytest.mark.reference("OWASP ASVS 5.0 V7.4.1", "WSTG-SESS-06")
async def test_logout_revokes_the_refresh_token(sessions: SessionFactory, verdict: Verdict) -> None:
    session = sessions()
    profile = session.profile
    needs.request(profile, "logout")
    await session.sign_in()
    held = session.held()
    if held.refresh_token is None:
        not_applicable("the client never holds a refresh token")
    expect_ok(profile, await session.logout(), "logout", "the logout was refused")
    again = await session.refresh(held, label="the refresh token from before the logout")
    what = "the refresh token after logout"
    verdict.observe("refused: " + expect_refused(profile, again, "refresh", what))
    if profile.probe is None and profile.action is None:
        return
    activity = needs.activity(profile)
    label = "the access token from before the logout"
    reply = await session.call(activity, held.access_token, label=label)
    if ok(reply) and (await session.promise()).access_revocation:
        raise CheckFailed(
            "the access token still works after logout, though the profile promises "
            "access_revocation (ASVS V7.4.1)"
        )
    if ok(reply):
        verdict.warn("the access token still works after logout, until it expires (ASVS V7.4.1)")
    else:
        verdict.observe(f"the access token after logout: {told(profile, reply, activity)}")


@pytest.mark.reference("OWASP ASVS 5.0 V7.4.1", "OWASP ASVS 5.0 V7.5.2", "WSTG-SESS-06")
async def test_logout_all_ends_the_other_sessions(
    sessions: SessionFactory, verdict: Verdict
) -> None:
    here, there = sessions(name="browser1"), sessions(name="browser2")
    profile = here.profile
    needs.request(profile, "logout_all")
    await here.sign_in()
    await there.sign_in()
    expect_ok(profile, await here.logout_all(), "logout_all", "logout everywhere was refused")
    other = await there.refresh(label="the other browser's refresh token, after logout everywhere")
    what = "the other browser's refresh token after logout everywhere"
    verdict.observe("other browser refused: " + expect_refused(profile, other, "refresh", what))
    mine = await here.refresh(label="this browser's refresh token, after logout everywhere")
    verdict.observe(f"this browser: {told(profile, mine, 'refresh')}")
