"""Tabs of one browser that refresh at the same instant must all stay signed in."""

from __future__ import annotations

import asyncio

import pytest

from harness.checks import CheckFailed
from harness.conformance.plugin import SessionFactory
from harness.conformance.replies import expect_ok, ok, told
from harness.conformance.session import RawSession
from harness.report.verdicts import Verdict
from harness.target import Reply

TABS = 5


@pytest.mark.reference("Story 3.2 issue #5", "supabase auth-js #213", "RFC 9700 §4.14.2")
async def test_tabs_refreshing_at_once_all_stay_signed_in(
    sessions: SessionFactory, verdict: Verdict
) -> None:
    first = sessions(name="tab1")
    profile = first.profile
    await first.sign_in()
    tabs = [first, *(first.tab(f"tab{n}") for n in range(2, TABS + 1))]
    finished: list[RawSession] = []

    async def refresh(tab: RawSession) -> Reply:
        reply = await tab.refresh(label=f"refresh with the shared token, {tab.name}, all at once")
        finished.append(tab)
        return reply

    replies = await asyncio.gather(*(refresh(tab) for tab in tabs))
    refused = [
        f"{tab.name}: {told(profile, reply, 'refresh')}"
        for tab, reply in zip(tabs, replies, strict=True)
        if not ok(reply)
    ]
    if refused:
        raise CheckFailed(
            f"{len(refused)} of {TABS} tabs presenting the same refresh token at once were "
            f"refused, so they sign out: {'; '.join(refused)}"
        )
    distinct = len({tab.current_refresh_token() for tab in tabs})
    if distinct > 1:
        # Each racer won its own child: the family forked, and a thief racing the user would too.
        verdict.warn(
            f"all {TABS} served, with {distinct} different refresh tokens: the one presented "
            "was accepted several times and the token family forked"
        )
    else:
        verdict.observe(f"all {TABS} served, all given the same refresh token")
    # The browser keeps one cookie jar (or one localStorage): the answer read last wins.
    last = finished[-1]
    reply = await last.refresh(label=f"the next refresh, with the token {last.name} received last")
    expect_ok(profile, reply, "refresh", "after the race, the token the browser kept was refused")
