"""One refresh token presented by several tabs at the same moment, to an app in its own
process: it is rotated once, and every tab gets the same new token (story 3.2 Issue #5).

Browser tabs without a shared lock, a retry racing its original, a phone waking next to a
laptop: the server sees the same token several times at once. In the test process the app
would take the requests one by one; here they really run at the same time.
"""

from __future__ import annotations

import asyncio

import pytest

from harness import NotApplicable, Profile, ProfileFactory, Promise, ServerView, checks

pytestmark = [
    pytest.mark.refapp(store_latency_ms=2),  # the reference app: a database round trip per call
    pytest.mark.needs("refresh_cookie", "session_view"),
]

FAMILIES, AT_ONCE = 16, 4


async def present_at_once(user: Profile, times: int) -> list[str | None]:
    """The profile's refresh token presented `times` times at once; the tokens handed back."""
    token = await user.current_refresh_token()
    assert token is not None
    answers = await asyncio.gather(*(user.present_refresh_token(token) for _ in range(times)))
    assert all(a.status_code == 200 for a in answers), [a.status_code for a in answers]
    return [user.refresh_token_in(answer) for answer in answers]


@pytest.mark.ac("AC1")
@pytest.mark.scenario("Ten tabs hit expiry in the same instant")
@pytest.mark.parametrize(
    "where",
    [
        pytest.param("own-process", marks=pytest.mark.served),
        # Store calls on worker threads: requests interleave here too, at each round trip.
        pytest.param("threads-in-process"),
    ],
)
async def test_one_token_presented_at_once_is_rotated_once_with_one_answer_for_all(
    profile: ProfileFactory, promise: Promise, server_view: ServerView, where: str
) -> None:
    if not (promise.policy.rotation and promise.policy.grace_seconds):
        raise NotApplicable("needs rotation with a grace window (the same token answers all)")
    for n in range(FAMILIES):
        user = await profile(n % 2, name=f"family{n}")
        await user.login()
        tokens = await present_at_once(user, AT_ONCE)
        assert len(set(tokens)) == 1, f"one token presented at once got {len(set(tokens))} answers"
        checks.rotated_once_per_generation(await server_view.session(user))
