"""The streaming request takes the same tokens as JSON requests and refuses them the same way."""

from __future__ import annotations

from typing import Literal

import pytest

from harness.checks import CheckFailed
from harness.clock import VirtualClock
from harness.conformance import forgery, needs
from harness.conformance.lifetimes import access_lifetime
from harness.conformance.plugin import SessionFactory
from harness.conformance.replies import expect_ok, expect_refused
from harness.conformance.session import Call
from harness.conformance.steps import signed_in
from harness.fixtures import not_applicable
from harness.report.verdicts import Verdict
from harness.target import TargetProfile, contract


def json_request(profile: TargetProfile) -> Call:
    """The JSON request to compare the stream with: [action], else [probe]."""
    needs.request(profile, "stream")
    if profile.action is not None:
        return "action"
    return needs.activity(profile)


@pytest.mark.reference("Story 3.2 root cause #2 (streaming bypassed the refresh)")
async def test_stream_accepts_the_access_token(sessions: SessionFactory, verdict: Verdict) -> None:
    session = sessions()
    profile = session.profile
    needs.request(profile, "stream")
    await session.sign_in()
    reply = await session.call("stream", label="the stream with the access token")
    expect_ok(profile, reply, "stream", "the stream refused a valid access token")
    chunks = contract.sse_chunks(profile, reply.text.splitlines())
    if chunks:
        verdict.observe(f"{len(chunks)} chunk(s) streamed")
    else:
        verdict.warn("the stream answered but sent no chunk the profile's [stream] selects")


@pytest.mark.parametrize("kind", ["tampered", "expired"])
@pytest.mark.reference(
    "Story 3.2 root cause #2 (streaming bypassed the refresh)", "OWASP ASVS 5.0 V9.2.1"
)
async def test_stream_refuses_a_bad_token_as_json_requests_do(
    sessions: SessionFactory,
    clock: VirtualClock,
    verdict: Verdict,
    kind: Literal["tampered", "expired"],
) -> None:
    session = sessions(clock=clock)
    profile = session.profile
    purpose = json_request(profile)
    login = await signed_in(session, purpose)
    token = session.access_token or ""
    if kind == "tampered":
        token = forgery.tampered(token)
        session.evidence.redactor.label(token, "forged")
    else:
        assert session.grant is not None
        lifetime = access_lifetime(profile, "login", login, session.grant)
        if lifetime is None:
            not_applicable("cannot tell when the access token expires")
        wait = lifetime.seconds + needs.margin(lifetime.seconds)
        needs.clock_for(clock, wait)
        await clock.advance(wait)
    as_json = await session.call(purpose, token, label=f"[{purpose}] with the {kind} token")
    as_stream = await session.call("stream", token, label=f"the stream with the {kind} token")
    json_told = expect_refused(profile, as_json, purpose, f"a {kind} token")
    stream_told = expect_refused(profile, as_stream, "stream", f"a {kind} token")
    if json_told != stream_told:
        raise CheckFailed(
            f"a {kind} token: the stream answers {stream_told}, [{purpose}] answers {json_told}; "
            "a client that refreshes on one will not on the other"
        )
    verdict.observe(f"both refused: {stream_told}")
