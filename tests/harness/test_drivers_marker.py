"""@pytest.mark.drivers: one test per driver, each run in its driver's suite, and the parity
table in the report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

INI = """
[pytest]
addopts = --strict-markers -p no:cacheprovider
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
"""

# The driver is a fixture like any other: these tests only look at it, so no browser starts.
WRITTEN_ONCE = """
import pytest


@pytest.mark.ac("AC1")
@pytest.mark.drivers("api", "browser")
def test_both(driver):
    assert driver in ("api", "browser")


@pytest.mark.ac("AC3")
@pytest.mark.drivers("api", "browser")
@pytest.mark.parametrize("mode", ["tab-open", "laptop-asleep"])
def test_both_modes(driver, mode):
    assert not (driver == "browser" and mode == "laptop-asleep"), "the page slept badly"


@pytest.mark.drivers("api", browser="the page cannot do this")
def test_api_only(driver):
    assert driver == "api"


def test_plain(driver):
    assert driver == "api"
"""


def results(pytester: pytest.Pytester, *args: str) -> dict[str, Any]:
    pytester.runpytest("--harness-report", "reports", *args)
    doc: dict[str, Any] = json.loads(
        (pytester.path / "reports" / "latest" / "results.json").read_text()
    )
    return doc


@pytest.fixture
def written_once(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(INI)
    pytester.mkdir("scenarios")
    pytester.mkdir("scenarios/api")
    Path(pytester.path / "scenarios/api/test_once.py").write_text(WRITTEN_ONCE)
    return pytester


def test_drivers_marker_makes_one_test_per_driver_in_its_drivers_suite(
    written_once: pytest.Pytester,
) -> None:
    doc = results(written_once)
    suites = {t["id"].split("::")[1]: t["suite"] for t in doc["tests"]}
    assert suites == {
        "test_both[api]": "api",
        "test_both[browser]": "browser",
        "test_both_modes[api-tab-open]": "api",
        "test_both_modes[api-laptop-asleep]": "api",
        "test_both_modes[browser-tab-open]": "browser",
        "test_both_modes[browser-laptop-asleep]": "browser",
        "test_api_only[api]": "api",
        "test_plain": "api",
    }


def test_a_driver_named_with_a_reason_gets_no_test_and_the_parity_table_says_why(
    written_once: pytest.Pytester,
) -> None:
    doc = results(written_once)
    assert not [t for t in doc["tests"] if "test_api_only[browser]" in t["id"]]
    [row] = [r for r in doc["parity"]["scenarios"] if r["scenario"].endswith("test_api_only")]
    assert row["by_driver"]["browser"] == {
        "status": "not_applicable",
        "test": None,
        "reason": "the page cannot do this",
    }
    assert doc["summary"]["not_applicable"] == 0  # nothing skipped: strict runs stay green


def test_parity_table_has_a_row_per_scenario_written_once_with_each_drivers_status(
    written_once: pytest.Pytester,
) -> None:
    parity = results(written_once)["parity"]
    rows = {row["scenario"].split("::")[1]: row["by_driver"] for row in parity["scenarios"]}
    statuses = {name: {d: cell["status"] for d, cell in row.items()} for name, row in rows.items()}
    assert statuses == {
        "test_both": {"api": "passed", "browser": "passed"},
        "test_both_modes[tab-open]": {"api": "passed", "browser": "passed"},
        "test_both_modes[laptop-asleep]": {"api": "passed", "browser": "failed"},
        "test_api_only": {"api": "passed", "browser": "not_applicable"},
    }
    assert rows["test_both"]["browser"]["test"].endswith("test_both[browser]")
    assert parity["summary"]["browser"] == {"passed": 2, "failed": 1, "not_applicable": 1}


def test_a_driver_left_out_by_the_suite_option_is_not_run_in_the_parity_table(
    written_once: pytest.Pytester,
) -> None:
    parity = results(written_once, "--suite", "api")["parity"]
    browser = {
        row["scenario"]: row["by_driver"]["browser"]["status"] for row in parity["scenarios"]
    }
    assert set(browser.values()) == {"not_run", "not_applicable"}
    assert [name for name, status in browser.items() if status == "not_applicable"] == [
        "scenarios/api/test_once.py::test_api_only"
    ]


def test_html_report_shows_the_parity_table(written_once: pytest.Pytester) -> None:
    results(written_once)
    page = (written_once.path / "reports" / "latest" / "index.html").read_text()
    table = page.split("<h2>Browser parity</h2>", 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 5  # the header and four scenarios
    assert "the page cannot do this" in table


@pytest.mark.parametrize(
    "marker",
    ['drivers("api", "firefox")', 'drivers("api", "api")', 'drivers("api", api="twice")'],
)
def test_drivers_marker_naming_an_unknown_or_repeated_driver_fails_to_collect_saying_so(
    pytester: pytest.Pytester, marker: str
) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(f"import pytest\n@pytest.mark.{marker}\ndef test_x(driver):\n    pass\n")
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(["*test_x: @pytest.mark.drivers: name each of api, browser*"])
    assert result.ret == pytest.ExitCode.INTERRUPTED


# A test of the user's own that asks for Playwright through a fixture, however deep.
OWN_BROWSER_FIXTURE = """
import pytest


@pytest.fixture
def playwright():
    raise AssertionError("deselected by -m 'not browser': never set up")


@pytest.fixture
def page(playwright):
    return playwright


def test_reaches_playwright(page):
    pass


def test_plain():
    pass
"""


def test_a_test_reaching_a_browser_fixture_is_marked_browser_and_deselected_with_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(test_own=OWN_BROWSER_FIXTURE)
    result = pytester.runpytest("-m", "not browser")
    result.assert_outcomes(passed=1, deselected=1)
    result = pytester.runpytest("-m", "browser")
    result.assert_outcomes(errors=1, deselected=1)
