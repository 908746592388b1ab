"""What one user's session shows is that user's alone: never another user's data or name."""

from __future__ import annotations

import pytest

from harness.checks import CheckFailed
from harness.client import Target
from harness.conformance import isolation, needs
from harness.conformance.plugin import SessionFactory
from harness.conformance.replies import expect_ok
from harness.conformance.session import Call, RawSession
from harness.report.verdicts import Verdict


def _reads(session: RawSession) -> list[Call]:
    """The requests whose answers can carry what a user stored: the action and the probe."""
    profile = session.profile
    return [call for call in ("action", "probe") if getattr(profile, call) is not None]


@pytest.mark.reference("WSTG-SESS-09", "WSTG-ATHZ-02", "OWASP ASVS 5.0 V8.2.2")
async def test_no_user_reads_back_another_users_actions(
    target: Target, sessions: SessionFactory, verdict: Verdict
) -> None:
    profile = target.profile
    needs.users(profile, 2)
    needs.request(profile, "action")
    pair = (sessions(0), sessions(1))
    markers = {session.user.name: isolation.marker(session.user.name) for session in pair}
    for session in pair:
        await session.sign_in()
        mine = markers[session.user.name]
        reply = await session.call("action", text=mine, label="act with this user's own text")
        expect_ok(profile, reply, "action", f"{session.user.name}'s action was refused")
        if mine in reply.text:
            verdict.observe(f"{session.user.name}'s action answer carries their own text")
    for session in pair:
        for call in _reads(session):
            # With this user's own access token: whatever comes back must be theirs.
            reply = await session.call(call, label=f"read back as {session.user.name}")
            expect_ok(profile, reply, call, f"{session.user.name}'s {call} was refused")
            leaked = isolation.foreign_markers(reply, markers, session.user.name)
            if leaked:
                raise CheckFailed(
                    f"the [{call}] answer to {session.user.name}'s access token carries what "
                    f"{', '.join(leaked)} sent ({', '.join(markers[u] for u in leaked)})"
                )
    verdict.observe(f"no user's text in another's answers ({', '.join(_reads(pair[0]))})")


@pytest.mark.reference("WSTG-SESS-09", "WSTG-ATHZ-02", "OWASP ASVS 5.0 V8.2.2")
async def test_the_session_of_each_user_names_that_user_alone(
    target: Target, sessions: SessionFactory, verdict: Verdict
) -> None:
    profile = target.profile
    needs.users(profile, 2)
    call = needs.activity(profile)
    pair = (sessions(0), sessions(1))
    identifiers = {session.user.name: session.user.identifier for session in pair}
    for session in pair:
        await session.sign_in()
    # Both are signed in before either asks: an answer kept for one is there for the other.
    for session in pair:
        reply = await session.call(call, label=f"who is {session.user.name}'s session for")
        expect_ok(profile, reply, call, f"{session.user.name}'s {call} was refused")
        named = isolation.named_users(reply, identifiers)
        others = [user for user in named if user != session.user.name]
        if others:
            raise CheckFailed(
                f"the [{call}] answer to {session.user.name}'s access token names "
                f"{', '.join(identifiers[u] for u in others)}"
            )
        if named:
            verdict.observe(f"{session.user.name}'s [{call}] names {identifiers[named[0]]}")
        else:
            verdict.observe(f"{session.user.name}'s [{call}] names no user")
