"""The session policy as the app really has it (`session-harness check --measure`).

Not a check of one promise but a measurement of all of them: each row says what the profile
promises, what the app did, and whether the two agree (docs/measure.md).
"""

from __future__ import annotations

import pytest

from harness.checks import CheckFailed
from harness.clock import VirtualClock
from harness.conformance.plugin import SessionFactory
from harness.measure.finding import DIFFERS, PROPERTY
from harness.measure.lab import Lab
from harness.measure.measurement import measure


@pytest.mark.measure
@pytest.mark.reference("OWASP ASVS 5.0 V7.1.1", "RFC 9700 §4.14.2")
async def test_the_session_policy_as_measured(
    sessions: SessionFactory, clock: VirtualClock, request: pytest.FixtureRequest
) -> None:
    first = sessions(clock=clock)
    promise = await first.promise()
    findings = await measure(Lab(sessions, clock, first.profile, promise))
    request.node.user_properties.extend((PROPERTY, row.to_json()) for row in findings)
    differ = [
        f"{row.what}: promised {row.promised}, measured {row.measured}"
        for row in findings
        if row.verdict == DIFFERS
    ]
    if differ:
        raise CheckFailed("; ".join(differ))
