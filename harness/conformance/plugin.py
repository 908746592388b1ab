"""The conformance suite's part of the pytest plugin: the `reference` marker and its fixtures.

Loaded by `harness.pytest_plugin` (its `pytest_plugins`), so every project that has the
harness installed can write checks like the bundled ones.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Protocol

import pytest

from harness.conformance.evidence import Evidence
from harness.events import Recorder
from harness.fixtures import user_of
from harness.report.verdicts import REFERENCE, Verdict

if TYPE_CHECKING:
    from harness.client import Target
    from harness.clock import VirtualClock
    from harness.conformance.session import RawSession

MARKER = (
    "reference(*sources): the standards or story items a conformance check verifies, "
    'e.g. "RFC 9700 §4.14.2"'
)


MEASURE = "measure"
MEASURE_MARKER = "measure: the policy measurement (docs/measure.md); runs only with --measure"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("session-harness").addoption(
        "--measure",
        action="store_true",
        help="run only the policy measurement (the tests marked `measure`)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)
    config.addinivalue_line("markers", MEASURE_MARKER)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for marker in item.iter_markers(REFERENCE):
            item.user_properties.extend((REFERENCE, str(source)) for source in marker.args)
    # The measurement probes every deadline: it runs when asked for, and then alone.
    measuring = bool(config.getoption("measure", False))
    chosen = [item for item in items if (item.get_closest_marker(MEASURE) is not None) == measuring]
    if len(chosen) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in chosen])
        items[:] = chosen


@pytest.fixture
def verdict(request: pytest.FixtureRequest) -> Verdict:
    """`verdict.warn(text)` / `verdict.observe(text)`: what the check adds to pass or fail."""
    return Verdict(request.node.user_properties)


@pytest.fixture
def evidence(recorder: Recorder) -> Evidence:
    """The test's exchanges, written into its recorder with every secret redacted."""
    return Evidence(recorder)


class SessionFactory(Protocol):
    """`sessions()`: a raw session of the target's first user; `sessions(1)` the second;
    pass `clock=` when the check moves time (the app's clock follows before each request)."""

    def __call__(
        self, user: str | int = 0, *, name: str | None = None, clock: VirtualClock | None = None
    ) -> RawSession: ...


@pytest.fixture
async def sessions(target: Target, evidence: Evidence) -> AsyncIterator[SessionFactory]:
    """Raw sessions against the target, closed after the test."""
    from harness.conformance.session import RawSession

    opened: list[RawSession] = []

    def make(
        user: str | int = 0, *, name: str | None = None, clock: VirtualClock | None = None
    ) -> RawSession:
        account = user_of(target.profile, user)
        session = RawSession(target, account, evidence, clock, name=name)
        opened.append(session)
        return session

    yield make
    for session in reversed(opened):
        await session.aclose()
