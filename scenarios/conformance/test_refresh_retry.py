"""A refresh whose answer was lost on the way back can be retried without signing out."""

from __future__ import annotations

import pytest

from harness.checks import CheckFailed
from harness.conformance.plugin import SessionFactory
from harness.conformance.replies import expect_ok, ok, told
from harness.report.verdicts import Verdict


@pytest.mark.reference("Story 3.2 test table: Network error during refresh", "RFC 9700 §4.14.2")
async def test_refresh_retried_after_a_lost_answer_keeps_the_user_signed_in(
    sessions: SessionFactory, verdict: Verdict
) -> None:
    session = sessions()
    profile = session.profile
    promise = await session.promise()
    await session.sign_in()
    before = session.held()
    lost = await session.refresh(label="refresh (its answer is lost on the way back)")
    expect_ok(profile, lost, "refresh", "the first refresh was refused")
    rotated = session.current_refresh_token() != before.refresh_token
    retry = await session.refresh(before, label="the same refresh again, as the client retries")
    if not ok(retry):
        no_grace = " (the profile promises no grace window)" if promise.grace_seconds == 0 else ""
        raise CheckFailed(
            "a refresh retried after its answer was lost was refused "
            f"({told(profile, retry, 'refresh')}): the user is signed out{no_grace}"
        )
    follow = await session.refresh(label="the next refresh, with what the retry returned")
    expect_ok(profile, follow, "refresh", "after the retry, the next refresh was refused")
    verdict.observe("the retry was served" + ("" if rotated else " (the token is not rotated)"))
