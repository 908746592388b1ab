"""A rotated refresh token replayed later is refused, and the whole family with it."""

from __future__ import annotations

import pytest

from harness.checks import CheckFailed
from harness.conformance.plugin import SessionFactory
from harness.conformance.replies import expect_ok, expect_refused, ok, told
from harness.fixtures import not_applicable
from harness.report.verdicts import Verdict


@pytest.mark.reference("RFC 9700 §4.14.2", "OWASP ASVS 5.0 V10.4.5", "WSTG-SESS-07")
async def test_replayed_refresh_token_is_refused_and_revokes_the_family(
    sessions: SessionFactory, verdict: Verdict
) -> None:
    session = sessions()
    profile = session.profile
    promise = await session.promise()
    await session.sign_in()
    first = session.held()
    for n in (1, 2):
        reply = await session.refresh(label=f"refresh #{n}")
        expect_ok(profile, reply, "refresh", f"refresh #{n} with the current token")
    current = session.held()
    if current.refresh_token == first.refresh_token:
        not_applicable("the refresh token is not rotated (the rotation check judges that)")
    # Two rotations old: outside any grace window for the immediate parent.
    replay = await session.refresh(first, label="replay the first refresh token, 2 rotations old")
    refused = expect_refused(profile, replay, "refresh", "a refresh token 2 rotations old")
    verdict.observe(f"replay refused: {refused}")
    after = await session.refresh(current, label="the current refresh token, after the replay")
    if not ok(after):
        verdict.observe(f"then the current token: {told(profile, after, 'refresh')}")
        return
    problem = "after the replay the current refresh token still works: no family revocation"
    if promise.reuse_detection:
        raise CheckFailed(problem + " (promised: policy.reuse_detection = true)")
    if promise.reuse_detection is False:
        verdict.observe(problem + ", as the profile says")
    else:
        verdict.warn(problem + " (RFC 9700 §4.14.2: the server should revoke the active token)")
