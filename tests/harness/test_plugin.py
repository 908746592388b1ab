from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

INI = """
[pytest]
addopts = --strict-markers -p no:cacheprovider
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
"""

# Synthetic scenarios: they record events by hand, so the plugin and the report are tested
# without depending on the client's behaviour.
SYNTHETIC = """
from datetime import UTC, datetime, timedelta

import pytest

from harness.events import LoggedIn, RedirectToLogin

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def login(recorder, tab="tab1"):
    recorder.emit(LoggedIn(at=T0, wall=recorder.wall(), profile="alice", tab=tab,
                           access_expires_at=T0 + timedelta(minutes=30),
                           session_expires_at=T0 + timedelta(days=30)))


@pytest.mark.ac("AC1", "AC3")
@pytest.mark.scenario("User active, access token expires")
def test_active(recorder):
    login(recorder)


@pytest.mark.ac("AC4")
@pytest.mark.scenario("Refresh token expired")
def test_redirect_is_missing(recorder):
    login(recorder)
    recorder.emit(RedirectToLogin(at=T0 + timedelta(days=8), wall=recorder.wall(),
                                  profile="alice", tab="tab1", reason="refresh_expired",
                                  message="Your session has expired."))
    assert recorder.count(RedirectToLogin) == 0, "alice was sent to the login page"


@pytest.mark.ac("AC6")
def test_skipped(recorder):
    pytest.skip("not on this platform")
"""


def report_of(reports: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((reports / "latest" / "results.json").read_text())
    return data


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(INI)
    pytester.mkdir("scenarios")
    pytester.mkdir("scenarios/api")
    pytester.mkdir("scenarios/browser")
    (pytester.path / "scenarios/api/test_synthetic.py").write_text(SYNTHETIC)
    return pytester


def test_plugin_registers_markers_for_strict_markers(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    result = pytester.runpytest("--markers")
    for name in ("ac(", "scenario(", "refapp(", "browser:", "slow:"):
        result.stdout.fnmatch_lines([f"@pytest.mark.{name}*"])


def test_unknown_marker_still_fails_under_strict_markers(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile("import pytest\n@pytest.mark.acc('AC1')\ndef test_x():\n    pass\n")
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(["*'acc' not found in `markers`*"])


def test_report_records_outcomes_ac_and_events(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--harness-report", "reports")
    result.assert_outcomes(passed=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(["session-harness report: *index.html"])
    doc = report_of(suite.path / "reports")
    counts = {k: doc["summary"][k] for k in ("passed", "failed", "skipped", "errors", "total")}
    assert counts == {"passed": 1, "failed": 1, "skipped": 1, "errors": 0, "total": 3}
    assert doc["summary"]["outcome"] == "failed"
    statuses = {ac: row["status"] for ac, row in doc["acceptance_criteria"].items()}
    assert statuses == {
        "AC1": "passed",
        "AC2": "not_covered",
        "AC3": "passed",
        "AC4": "failed",
        "AC5": "not_covered",
        "AC6": "not_covered",
        "AC7": "not_covered",
    }
    assert doc["scenarios"]["Refresh token expired"]["status"] == "failed"
    failed = next(t for t in doc["tests"] if t["status"] == "failed")
    assert failed["failure"]["message"] == "AssertionError: alice was sent to the login page"
    assert failed["virtual_span_s"] == 8 * 86400 and failed["event_count"] == 2
    skipped = next(t for t in doc["tests"] if t["status"] == "skipped")
    assert skipped["skip_reason"] == "not on this platform"


def test_ac_and_scenario_ids_reach_junit_properties(suite: pytest.Pytester) -> None:
    suite.runpytest("--harness-report", "reports")
    root = ET.parse(suite.path / "reports" / "latest" / "junit.xml").getroot()
    case = next(c for c in root.iter("testcase") if c.get("name") == "test_active")
    props = [(p.get("name"), p.get("value")) for p in case.iter("property")]
    assert props == [
        ("ac", "AC1"),
        ("ac", "AC3"),
        ("scenario", "User active, access token expires"),
        ("suite", "api"),
    ]


def test_report_html_shows_matrix_and_timeline(suite: pytest.Pytester) -> None:
    suite.runpytest("--harness-report", "reports")
    html = (suite.path / "reports" / "latest" / "index.html").read_text()
    assert "Acceptance criteria traceability" in html
    assert "alice · tab1" in html
    assert "alice was sent to the login page" in html


def test_suite_option_deselects_other_suites(suite: pytest.Pytester) -> None:
    (suite.path / "scenarios/browser/test_page.py").write_text(
        "def test_page(recorder):\n    pass\n"
    )
    result = suite.runpytest("--suite", "browser", "--harness-report", "reports")
    result.assert_outcomes(passed=1, deselected=3)
    assert [t["suite"] for t in report_of(suite.path / "reports")["tests"]] == ["browser"]


def test_without_report_option_nothing_is_written(suite: pytest.Pytester) -> None:
    suite.runpytest()
    assert not (suite.path / "reports").exists()


def test_refapp_marker_overrides_reach_the_embedded_settings(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile("""
        import pytest

        import httpx

        pytestmark = pytest.mark.refapp(idle_timeout_seconds=900)

        @pytest.fixture
        def harness_settings():
            return {"access_ttl_seconds": 600}

        async def served(refapp):
            transport = httpx.ASGITransport(app=refapp.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                return (await client.get("/api/auth/config")).json()

        @pytest.mark.refapp(idle_timeout_seconds=600, regressions={"legacy_access_ttl"})
        async def test_marked(refapp):
            config = await served(refapp)
            assert config["idle_timeout_seconds"] == 600
            assert config["access_ttl_seconds"] == 600
            assert config["regressions"] == ["legacy_access_ttl"]
            assert not refapp.remote

        async def test_module_level(refapp):
            assert (await served(refapp))["idle_timeout_seconds"] == 900
    """)
    pytester.runpytest().assert_outcomes(passed=2)


def test_remote_target_skips_tests_that_need_settings_with_reason(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(INI)
    pytester.makepyfile("""
        import pytest

        @pytest.mark.refapp(idle_timeout_seconds=600)
        def test_needs_settings(refapp):
            pass

        def test_plain(refapp):
            assert refapp.remote and refapp.base_url == "http://127.0.0.1:9"
    """)
    result = pytester.runpytest("--base-url", "http://127.0.0.1:9/", "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*needs settings (idle_timeout_seconds)*http://127.0.0.1:9*"])


def test_profile_fixture_signs_in_a_demo_user_and_records_events(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(INI)
    pytester.makepyfile("""
        import pytest

        from harness.events import LoggedIn, RefreshSucceeded

        @pytest.mark.ac("AC2")
        async def test_login(profile, clock, recorder):
            bob = await profile("bob")
            tab = await bob.login()
            assert await tab.chat("2+2") == "4"
            await clock.advance(1800)  # past the access token's expiry, short of idle
            assert await tab.chat("1+1") == "2"
            assert recorder.count(LoggedIn, profile="bob") == 1
            assert recorder.count(RefreshSucceeded) >= 1
    """)
    result = pytester.runpytest("--harness-report", "reports")
    result.assert_outcomes(passed=1)
    [test] = report_of(pytester.path / "reports")["tests"]
    assert test["event_count"] > 4 and test["virtual_span_s"] >= 1800


def test_profile_factory_rejects_an_unknown_user(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile("""
        import pytest

        async def test_unknown(profile):
            with pytest.raises(ValueError, match="no user 'carol' in target profile"):
                await profile("carol")
    """)
    pytester.runpytest().assert_outcomes(passed=1)


def readme_block(language: str, after: str) -> str:
    """The first ```language block of README.md after the heading `after`."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index(after) :]
    start = section.index(f"```{language}\n") + len(language) + 4
    return section[start : section.index("```", start)]


def test_readme_scenario_example_passes_verbatim_under_plain_pytest(
    pytester: pytest.Pytester,
) -> None:
    (pytester.path / "pytest.ini").write_text(readme_block("ini", "### Writing scenarios"))
    (pytester.path / "test_readme.py").write_text(readme_block("python", "### Writing scenarios"))
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
