"""harness/measure/search.py: a deadline found to the second, from a right or a wrong guess."""

from __future__ import annotations

import pytest

from harness.measure.search import Bracket, first_refused


def deadline(at: int, probed: list[int] | None = None):  # type: ignore[no-untyped-def]
    async def works(delay: int) -> bool:
        if probed is not None:
            probed.append(delay)
        return delay < at

    return works


async def test_a_right_guess_settles_the_deadline_in_two_probes() -> None:
    probed: list[int] = []
    found = await first_refused(deadline(1800, probed), guess=1800, ceiling=10**6)
    assert found == Bracket(1799, 1800, 2) and probed == [1799, 1800]
    assert found.exact and str(found) == "served at 1,799 s, refused at 1,800 s"


@pytest.mark.parametrize("truth", [1, 2, 9, 11, 301, 3_600, 86_400, 2_592_000])
@pytest.mark.parametrize("guess", [1.0, 10.0, 3_600.0, 7_776_000.0])
async def test_a_wrong_guess_still_finds_the_deadline_to_the_second(
    truth: int, guess: float
) -> None:
    found = await first_refused(deadline(truth), guess=guess, ceiling=8_640_000)
    assert (found.worked, found.refused) == (truth - 1, truth)
    assert found.probes <= 2 * 24  # galloping then bisecting: logarithmic either way


async def test_no_refusal_up_to_the_ceiling_is_reported_as_still_served() -> None:
    probed: list[int] = []
    found = await first_refused(deadline(10**9, probed), guess=60, ceiling=1_000)
    assert found.refused is None and found.worked == 1_000 and probed[-1] == 1_000
    assert not found.exact and str(found) == "still served after 1,000 s"


async def test_a_floor_is_taken_as_served_and_never_probed() -> None:
    probed: list[int] = []
    found = await first_refused(deadline(1, probed), guess=10, ceiling=100, floor=0)
    assert (found.worked, found.refused) == (0, 1) and 0 not in probed
