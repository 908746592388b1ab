"""What a refresh hands back and what a replay or a logout takes away."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.measure.lab import Lab
from harness.measure.search import Bracket, first_refused

GRACE_CEILING_S = 3_600  # a parent still served an hour after its rotation has no window
SAME, NEW, REFUSED = "the same child", "a new child", "a refusal"


async def rotates(lab: Lab) -> bool:
    """Whether a refresh hands back a refresh token other than the one it was given."""
    async with lab.signed_in("rotation") as session:
        before = session.current_refresh_token()
        await lab.first_refresh(session)
        after = session.current_refresh_token()
        return after is not None and after != before


@dataclass
class Grace:
    """The parent's answers by delay after its rotation, and where they stop."""

    bracket: Bracket
    answers: dict[int, str] = field(default_factory=dict)

    @property
    def served_as(self) -> str:
        """What the parent got at the last delay it was served (a refusal when never)."""
        return self.answers.get(self.bracket.worked, REFUSED) if self.served_at_once else REFUSED

    @property
    def served_at_once(self) -> bool:
        return self.answers.get(0, REFUSED) != REFUSED


async def grace_window(lab: Lab, ceiling: int) -> Grace:
    """The longest delay after a rotation at which the parent refresh token is still served."""
    answers: dict[int, str] = {}

    async def works(delay: int) -> bool:
        answers[delay] = await parent_answer(lab, delay)
        return answers[delay] != REFUSED

    ceiling = min(ceiling, GRACE_CEILING_S)
    if not await works(0):
        return Grace(Bracket(0, 0, 1), answers)
    guess = lab.promise.grace_seconds or 10.0
    bracket = await first_refused(works, guess=guess, ceiling=ceiling)
    return Grace(Bracket(bracket.worked, bracket.refused, bracket.probes + 1), answers)


async def parent_answer(lab: Lab, delay: int) -> str:
    async with lab.signed_in(f"parent {delay:,} s after rotation") as session:
        parent = session.held()
        await lab.first_refresh(session)
        child = session.current_refresh_token()
        await lab.wait(delay)
        if not await lab.refreshed_with(session, parent, f"the parent, {delay:,} s later"):
            return REFUSED
        return SAME if session.current_refresh_token() == child else NEW


async def replay_revokes(lab: Lab, delay: int) -> str:
    """What a parent replayed `delay` s after its rotation (outside the window) takes down."""
    async with lab.signed_in("replayed") as session, lab.signed_in("second sign-in") as other:
        parent = session.held()
        await lab.first_refresh(session)
        child = session.held()
        await lab.wait(delay)
        if await lab.refreshed_with(session, parent, f"replay the parent {delay:,} s later"):
            return "nothing: the replay was served"
        if await lab.refreshed_with(session, child, "the child, after the replay"):
            return "the replayed token only"
        if await lab.refreshed(other, "the second sign-in, after the replay"):
            return "the family: its child stops working"
        return "every session of the user: a second sign-in stops working"


async def logout_revokes(lab: Lab) -> tuple[bool | None, bool, bool]:
    """After a logout: (access token refused (None: no request to tell), refresh token
    refused, other session refused)."""
    async with lab.signed_in("logged out") as session, lab.signed_in("still in") as other:
        held = session.held()
        await session.logout()
        access = None
        if lab.activity is not None:
            access = not await lab.active(session, "its access token", held.access_token)
        refresh = not await lab.refreshed_with(session, held, "its refresh token")
        elsewhere = not await lab.refreshed(other, "another sign-in of the user")
        return access, refresh, elsewhere
