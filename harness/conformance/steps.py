"""Steps many checks begin with."""

from __future__ import annotations

from harness.conformance.replies import expect_ok
from harness.conformance.session import Call, RawSession
from harness.target import Reply


async def signed_in(session: RawSession, purpose: Call) -> Reply:
    """Sign in and show the genuine access token is accepted: the control for every refusal."""
    login = await session.sign_in()
    reply = await session.call(purpose, label="the genuine access token (control)")
    expect_ok(session.profile, reply, purpose, "the genuine access token was refused")
    return login
