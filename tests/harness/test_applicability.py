"""Not applicable is a type on the test's report: raised in a test or a fixture, or from a
`needs` marker; a skip is a skip whatever its reason says."""

from __future__ import annotations

import json
from typing import Any

import pytest

INI = """
[pytest]
addopts = -p no:cacheprovider
asyncio_default_fixture_loop_scope = function
"""
SUITE = """
import pytest

from harness import NotApplicable


@pytest.fixture
def app_clock():
    raise NotApplicable("needs a test clock")


def test_in_a_fixture(app_clock):
    pass


def test_in_the_test():
    raise NotApplicable("needs a [stream] request")


def test_a_skip_that_only_reads_like_one():
    pytest.skip("not applicable: needs nothing, a plain skip")


def test_passes():
    pass
"""


def statuses(pytester: pytest.Pytester) -> dict[str, Any]:
    pytester.makeini(INI)
    pytester.makepyfile(test_cases=SUITE)
    pytester.runpytest("--harness-report", "reports")
    doc = json.loads((pytester.path / "reports" / "latest" / "results.json").read_text())
    return {t["id"].rsplit("::", 1)[-1]: (t["status"], t["skip_reason"]) for t in doc["tests"]}


def test_not_applicable_is_read_from_the_exception_not_from_the_reason(
    pytester: pytest.Pytester,
) -> None:
    found = statuses(pytester)
    assert found["test_in_a_fixture"] == ("not_applicable", "not applicable: needs a test clock")
    assert found["test_in_the_test"][0] == "not_applicable"
    assert found["test_a_skip_that_only_reads_like_one"][0] == "skipped"
    assert found["test_passes"] == ("passed", None)
