from __future__ import annotations

from datetime import timedelta

from harness.behaviour import chat_every
from harness.clock import VirtualClock
from harness.fixtures import ProfileFactory


async def test_chat_every_waits_between_messages_and_collects_replies(
    profile: ProfileFactory, clock: VirtualClock
) -> None:
    start = clock.now()
    tab = await (await profile("alice")).login()
    replies = await chat_every(tab, clock, timedelta(minutes=5), 3, message="6*7")
    assert replies == ["42", "42", "42"]
    assert clock.now() - start == timedelta(minutes=15)


async def test_chat_every_records_a_failed_message_as_none_and_goes_on(
    profile: ProfileFactory, clock: VirtualClock
) -> None:
    alice = await profile("alice")
    tab = await alice.login()
    alice.network.offline = True
    replies = await chat_every(tab, clock, 60, 2, message="1+1")
    alice.network.offline = False
    replies += await chat_every(tab, clock, 60, 1, message="1+1")
    assert replies == [None, None, "2"]
    assert await tab.signed_in()
