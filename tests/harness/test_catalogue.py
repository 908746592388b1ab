"""The bug catalogue on a short subset: real pytest processes, suites narrowed to one file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.catalogue import CatalogueError, Plan, run_catalogue
from harness.catalogue.report import write_json
from harness.catalogue.runner import catalogue_entries, in_browser, suite_command
from harness.catalogue.suites import run_suite
from harness.catalogue.summary import summary_lines
from harness.cli import main
from reference_app.regressions import CATALOGUE, CLIENT, KNOWN, SERVER

ROOT = Path(__file__).resolve().parents[2]
LIFETIMES = "scenarios/api/test_token_lifetimes.py"
REUSE = "scenarios/api/test_refresh_token_reuse.py"


def api_only(*paths: str, history: Path | None = None) -> Plan:
    """The API suite over `paths`, each run to its end (every catching test listed)."""
    api = suite_command(ROOT, "api", paths)
    return Plan(api=api, browser=None, jobs=2, stop_at_first=frozenset(), history=history)


def test_catalogue_has_twenty_entries_on_both_layers_each_with_a_source() -> None:
    assert len(CATALOGUE) >= 20 and len(KNOWN) == len(CATALOGUE)
    assert len(SERVER) >= 10 and len(CLIENT) >= 5
    assert all(entry.source and entry.breaks for entry in CATALOGUE)


def test_every_entry_is_documented_in_docs_regressions() -> None:
    documented = (ROOT / "docs" / "regressions.md").read_text()
    assert [e.name for e in CATALOGUE if f"`{e.name}`" not in documented] == []


@pytest.mark.slow  # suites in processes of their own
def test_server_entry_is_caught_by_the_ordinary_scenario_not_the_negative_one() -> None:
    result = run_catalogue(api_only(LIFETIMES), ["legacy_access_ttl"])
    [entry] = result.entries
    assert entry.caught
    assert f"{LIFETIMES}::test_login_refresh_and_retried_refresh_give_the_promised_access_ttl" in (
        entry.caught_by
    )
    # The test written for this very switch is left out of catalogue runs.
    assert not any("seven_day_ttl_is_caught" in test for test in entry.caught_by)
    assert result.clean_green and result.exit_code == 0
    lines = list(summary_lines(result))
    assert lines[0].startswith("legacy_access_ttl") and "caught by" in lines[0]
    assert "score: 1/1 caught (100%)" in lines and any("clean app green" in x for x in lines)


@pytest.mark.slow  # suites in processes of their own
def test_entry_no_scenario_catches_is_missed_and_fails_the_run(tmp_path: Path) -> None:
    result = run_catalogue(api_only(REUSE), ["csrf_header_optional", "no_reuse_detection"])
    missed, caught = result.entries
    assert [missed.name, missed.caught, caught.caught] == ["csrf_header_optional", False, True]
    stolen = f"{REUSE}::test_stolen_old_refresh_token_is_refused_and_the_user_is_signed_out_next"
    ages = ("one-rotation-old", "two-old", "three-old")
    assert caught.caught_by == [f"{stolen}[api-{age}]" for age in ages]
    assert result.exit_code == 1
    assert any(line.startswith("csrf_header_optional") and "MISSED" in line for line in
               summary_lines(result))  # fmt: skip
    write_json(result, tmp_path / "catalogue.json")
    data = json.loads((tmp_path / "catalogue.json").read_text())
    assert data["score"] == {"caught": 1, "of": 2} and data["clean_green"] is True
    assert [entry["caught_by"] for entry in data["entries"]] == [[], caught.caught_by]


def test_unknown_entry_is_a_catalogue_error_naming_it() -> None:
    with pytest.raises(CatalogueError, match="unknown catalogue entry no_such_bug"):
        catalogue_entries(["no_such_bug", "no_rotation"])


def test_cli_refuses_an_unknown_entry_with_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["mutants", "--only", "no_such_bug"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no_such_bug" in err


def test_cli_refuses_zero_jobs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mutants", "--jobs", "0"]) == 2
    assert "at least 1" in capsys.readouterr().err


@pytest.mark.slow  # suites in processes of their own
def test_entry_runs_the_test_that_caught_it_last_time_first_and_stops_there(
    tmp_path: Path,
) -> None:
    api = suite_command(ROOT, "api", (LIFETIMES, REUSE))  # the lifetimes pass, reuse catches
    plan = Plan(api=api, browser=None, jobs=1, history=tmp_path)
    [cold] = run_catalogue(plan, ["no_reuse_detection"]).entries
    [warm] = run_catalogue(plan, ["no_reuse_detection"]).entries
    assert cold.caught and warm.caught_by == cold.caught_by and len(cold.caught_by) == 1
    [cold_run], [warm_run] = cold.runs, warm.runs
    assert cold_run.stopped_early and warm_run.stopped_early
    assert warm_run.passed == 0 < cold_run.passed  # the known catch ran first, and alone
    assert (tmp_path / "api-no_reuse_detection").is_dir()


def test_browser_variants_of_api_catches_are_named_for_the_browser_run() -> None:
    caught = [
        "scenarios/api/test_clock_skew.py::test_skew[api-ahead]",
        "scenarios/api/test_tabs.py::test_lock[api]",
        "scenarios/api/test_reuse.py::test_stolen[apiary]",  # not a driver parameter
        "scenarios/api/test_lifetimes.py::test_ttl",
    ]
    assert in_browser(caught) == [
        "scenarios/api/test_clock_skew.py::test_skew[browser-ahead]",
        "scenarios/api/test_tabs.py::test_lock[browser]",
    ]


@pytest.mark.slow  # suites in processes of their own
def test_tests_named_first_run_first_where_the_cache_knows_none(tmp_path: Path) -> None:
    api = suite_command(ROOT, "api", (LIFETIMES, REUSE))
    stolen = f"{REUSE}::test_stolen_old_refresh_token_is_refused_and_the_user_is_signed_out_next"
    run = run_suite(api, "no_reuse_detection", stop_at_first=True, first=[f"{stolen}[api-two-old]"])
    assert run.failed == (f"{stolen}[api-two-old]",) and run.passed == 0


COOKIE = "scenarios/conformance/test_refresh_cookie.py"
COOKIE_ENTRIES = {
    "refresh_cookie_path_root": "test_refresh_cookie_is_scoped_to_the_refresh_path",
    "refresh_cookie_script_readable": "test_refresh_cookie_is_http_only",
    "refresh_cookie_outlives_ttl": "test_refresh_cookie_lives_no_longer_than_the_refresh_ttl",
    "logout_clears_wrong_path": "test_logout_clears_the_refresh_cookie_the_sign_in_set",
}


@pytest.mark.slow  # suites in processes of their own
def test_cookie_entries_are_caught_by_the_conformance_checks_on_a_green_clean_app() -> None:
    conformance = suite_command(ROOT, "conformance", (COOKIE,))
    plan = Plan(api=None, browser=None, conformance=conformance, jobs=2, stop_at_first=frozenset())
    result = run_catalogue(plan, list(COOKIE_ENTRIES))
    assert result.clean_green and not result.missed and result.exit_code == 0
    for entry in result.entries:
        assert f"{COOKIE}::{COOKIE_ENTRIES[entry.name]}" in entry.caught_by


@pytest.mark.slow  # suites in processes of their own
def test_server_entry_the_api_suite_misses_goes_on_to_the_conformance_checks() -> None:
    plan = Plan(
        api=suite_command(ROOT, "api", ("scenarios/api/test_signed_claims.py",)),
        browser=None,
        conformance=suite_command(ROOT, "conformance", (COOKIE,)),
        jobs=2,
    )
    [entry] = run_catalogue(plan, ["refresh_cookie_script_readable"]).entries
    assert [run.suite for run in entry.runs] == ["api", "conformance"]
    assert entry.caught_by == [f"{COOKIE}::test_refresh_cookie_is_http_only"]


ISOLATION = "scenarios/conformance/test_user_isolation.py"


def test_shared_session_cache_is_caught_by_the_isolation_check_on_a_green_clean_app() -> None:
    conformance = suite_command(ROOT, "conformance", (ISOLATION,))
    plan = Plan(api=None, browser=None, conformance=conformance, jobs=2, stop_at_first=frozenset())
    result = run_catalogue(plan, ["shared_session_cache"])
    [entry] = result.entries
    assert result.clean_green
    assert entry.caught_by == [f"{ISOLATION}::test_the_session_of_each_user_names_that_user_alone"]
