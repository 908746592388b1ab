"""RawSession: the profile's requests one at a time, old states replayed, evidence redacted."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from harness.app import in_process
from harness.checks import CheckFailed
from harness.client import Target
from harness.conformance.evidence import Evidence
from harness.conformance.session import RawSession
from harness.events import Exchange, Recorder
from harness.target import User, load_profile

PROFILE = load_profile("reference-app")


@pytest.fixture
async def session() -> AsyncIterator[RawSession]:
    target = Target.in_process(in_process(PROFILE, {}), PROFILE)
    raw = RawSession(target, PROFILE.users[0], Evidence(Recorder()))
    yield raw
    await raw.aclose()


async def test_refresh_with_an_older_state_presents_the_older_token(session: RawSession) -> None:
    await session.sign_in()
    first = session.held()
    assert (await session.refresh()).status == 200
    assert (await session.refresh()).status == 200
    assert session.current_refresh_token() != first.refresh_token
    replay = await session.refresh(first, label="replay, two rotations old")
    assert (replay.status, replay.json["error"]) == (401, "refresh_reused")


async def test_tabs_share_what_was_held_but_not_the_connection(session: RawSession) -> None:
    await session.sign_in()
    tab = session.tab("tab2")
    assert tab.http is not session.http
    assert tab.current_refresh_token() == session.current_refresh_token()
    replies = await asyncio.gather(session.refresh(), tab.refresh())
    assert [r.status for r in replies] == [200, 200]
    await session.aclose()
    assert tab.http.is_closed  # closed with the session it was opened from


async def test_headers_can_be_dropped_or_replaced(session: RawSession) -> None:
    await session.sign_in()
    dropped = await session.refresh(headers={"X-Requested-With": None})
    assert (dropped.status, dropped.json["error"]) == (403, "csrf_failed")
    replaced = await session.refresh(headers={"x-requested-with": "other"})
    assert replaced.status == 200


async def test_evidence_holds_no_token_or_password(session: RawSession) -> None:
    await session.sign_in()
    await session.refresh()
    await session.call("probe")
    await session.call("stream")
    exchanges = session.evidence.recorder.of_kind(Exchange)
    assert [e.label for e in exchanges] == ["sign in", "refresh", "probe", "stream"]
    dumped = json.dumps([e.to_dict() for e in session.evidence.recorder])
    secrets = [PROFILE.users[0].secret(), session.access_token, session.current_refresh_token()]
    assert all(secret and secret not in dumped for secret in secrets)
    assert "<access#2>" in dumped and "<refresh#2>" in dumped


async def test_sign_in_refused_fails_the_check_saying_why() -> None:
    target = Target.in_process(in_process(PROFILE, {}), PROFILE)
    wrong = User(name="alice", identifier="alice@example.com", password=SecretStr("nope"))
    raw = RawSession(target, wrong, Evidence(Recorder()))
    try:
        with pytest.raises(CheckFailed, match="cannot sign in as alice: 401 invalid_credentials"):
            await raw.sign_in()
    finally:
        await raw.aclose()


async def test_undeclared_request_is_a_lookup_error(session: RawSession) -> None:
    bare = PROFILE.model_copy(update={"stream": None})
    session.target = Target.in_process(in_process(PROFILE, {}), bare)
    with pytest.raises(LookupError, match=r"no \[stream\] request"):
        await session.call("stream")
