from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from harness.events import Artifact, LoggedIn, RequestSent
from harness.report.model import Failure, RunResult, TestResult
from harness.report.writer import new_run_id, point_latest, write_report

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def sample_run(tmp_path: Path) -> RunResult:
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"\x89PNG fake")
    ok = TestResult(
        "scenarios/api/test_a.py::test_ok",
        "api",
        ac=["AC1", "AC2"],
        scenarios=["User active, access token expires"],
        duration_s=0.25,
    )
    ok.events = [
        LoggedIn(
            at=T0,
            wall=0.0,
            profile="alice",
            tab="tab1",
            access_expires_at=T0 + timedelta(minutes=30),
            session_expires_at=T0 + timedelta(days=30),
        ),
        RequestSent(
            at=T0 + timedelta(minutes=45),
            wall=0.1,
            profile="alice",
            tab="tab1",
            method="POST",
            path="/api/chat",
        ),
        Artifact(
            at=T0 + timedelta(minutes=45),
            wall=0.2,
            profile="alice",
            tab="tab1",
            path=str(shot),
            label="after refresh",
        ),
    ]
    bad = TestResult(
        "scenarios/browser/test_b.py::test_<bad>",
        "browser",
        status="failed",
        ac=["AC4"],
        scenarios=["Refresh token expired"],
        failure=Failure("call", "AssertionError: no redirect", "long text"),
    )
    return RunResult(
        "20260105T090000Z", T0, wall_s=1.5, tests=[ok, bad], target="reference-app (in process)"
    )


def test_results_json_follows_the_documented_schema(tmp_path: Path) -> None:
    out = tmp_path / "report"
    write_report(sample_run(tmp_path), out)
    doc = json.loads((out / "results.json").read_text())
    assert doc["summary"] == {
        "passed": 1,
        "failed": 1,
        "skipped": 0,
        "not_applicable": 0,
        "errors": 0,
        "total": 2,
        "outcome": "failed",
        "reasons": ["1 test failed"],
        "warnings": [],
        "exit_code": 1,
    }
    assert doc["story"]["id"] == "3.2" and doc["target"] == "reference-app (in process)"
    assert doc["acceptance_criteria"]["AC1"]["status"] == "passed"
    assert doc["acceptance_criteria"]["AC4"] == {
        "description": doc["acceptance_criteria"]["AC4"]["description"],
        "in_story": True,
        "status": "failed",
        "tests": ["scenarios/browser/test_b.py::test_<bad>"],
        "by_suite": {"api": "not_covered", "browser": "failed", "load": "not_run"},
    }
    assert doc["acceptance_criteria"]["AC7"]["status"] == "not_covered"
    assert doc["scenarios"]["Refresh token expired"]["status"] == "failed"
    assert doc["scenarios"]["Multiple tabs open"]["status"] == "not_covered"
    first = doc["tests"][0]
    assert {k: first[k] for k in ("id", "suite", "status", "ac", "virtual_span_s")} == {
        "id": "scenarios/api/test_a.py::test_ok",
        "suite": "api",
        "status": "passed",
        "ac": ["AC1", "AC2"],
        "virtual_span_s": 2700.0,
    }
    assert doc["tests"][1]["failure"]["message"] == "AssertionError: no redirect"


def test_events_file_is_gzipped_ndjson_with_one_tagged_event_per_line(tmp_path: Path) -> None:
    out = tmp_path / "report"
    write_report(sample_run(tmp_path), out)
    text = gzip.decompress((out / "events.ndjson.gz").read_bytes()).decode()
    lines = [json.loads(line) for line in text.splitlines()]
    assert [line["kind"] for line in lines] == ["logged_in", "request", "artifact"]
    assert {line["test"] for line in lines} == {"scenarios/api/test_a.py::test_ok"}
    assert lines[0]["access_expires_at"] == "2026-01-05T09:30:00+00:00"


def test_artifacts_are_copied_next_to_the_report_and_linked_relatively(tmp_path: Path) -> None:
    out = tmp_path / "report"
    write_report(sample_run(tmp_path), out)
    [artifact] = json.loads((out / "results.json").read_text())["tests"][0]["artifacts"]
    assert not Path(artifact["path"]).is_absolute()
    assert (out / artifact["path"]).read_bytes() == b"\x89PNG fake"
    assert f'src="{artifact["path"]}"' in (out / "index.html").read_text()


def test_html_is_self_contained_and_escapes_test_names(tmp_path: Path) -> None:
    out = tmp_path / "report"
    html = write_report(sample_run(tmp_path), out).read_text()
    external = [u for u in re.findall(r'(?:src|href)="([^"#]+)"', html) if "://" in u]
    assert external == []
    assert "test_<bad>" not in html and "test_&lt;bad&gt;" in html
    assert html.count('<td class="id">AC') == 7
    assert 'class="pill not_covered"' in html
    assert "<svg" in html and 'class="tl-bar"' in html
    assert "AssertionError: no redirect" in html


def test_latest_points_at_the_newest_run(tmp_path: Path) -> None:
    for name in ("run1", "run2"):
        (tmp_path / name).mkdir()
        point_latest(tmp_path, tmp_path / name)
    assert (tmp_path / "latest").resolve() == (tmp_path / "run2").resolve()


def test_latest_becomes_a_file_with_the_path_where_symlinks_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Path, target: str, target_is_directory: bool = False) -> None:
        raise OSError("symlinks not supported")

    monkeypatch.setattr(Path, "symlink_to", refuse)
    (tmp_path / "run1").mkdir()
    point_latest(tmp_path, tmp_path / "run1")
    assert (tmp_path / "latest").read_text().strip() == str((tmp_path / "run1").resolve())


def test_run_ids_sort_by_time_and_never_collide(tmp_path: Path) -> None:
    first = new_run_id(tmp_path, T0)
    (tmp_path / first).mkdir()
    second = new_run_id(tmp_path, T0)
    assert first == "20260105T090000Z" and second == "20260105T090000Z-2"


def test_matrix_says_not_run_for_a_suite_that_did_not_run_and_not_covered_where_it_ran() -> None:
    from harness.report.html import render_html
    from harness.report.outcome import decide

    run = RunResult(
        "20260105T090000Z",
        T0,
        tests=[
            TestResult("a.py::t", "api", status="passed", ac=["AC1", "AC2"]),
            TestResult("l.py::t", "load", status="passed", ac=["AC1"]),
        ],
    )
    html = render_html(run, decide(run))
    ac2_row = html[html.index(">AC2<") : html.index(">AC3<")]
    cells = re.findall(r'<span class="pill ([a-z_]+)">', ac2_row)
    # api, browser, load, then the overall status
    assert cells == ["passed", "not_run", "not_covered", "passed"]


def test_failures_come_first_and_messages_wrap(tmp_path: Path) -> None:
    html = write_report(sample_run(tmp_path), tmp_path / "report").read_text()
    assert html.index('id="t-scenarios-browser-test-b-py-test-bad"') < html.index(
        'id="t-scenarios-api-test-a-py-test-ok"'
    )
    assert "white-space:pre-wrap" in html


def test_trend_shows_the_runs_before_this_one_under_the_same_root(tmp_path: Path) -> None:
    for run_id in ("20260105T080000Z", "20260105T090000Z"):
        run = sample_run(tmp_path)
        run.run_id = run_id
        write_report(run, tmp_path / "reports" / run_id)
    html = (tmp_path / "reports" / "20260105T090000Z" / "index.html").read_text()
    trend = html[html.index('<svg xmlns="http://www.w3.org/2000/svg" class="trend"') :]
    trend = trend[: trend.index("</svg>")]
    assert trend.count('class="tr-hit"') == 2
    assert "20260105T080000Z: failed, 1 passed, 1 failed of 2, 1.5 s" in trend


def test_load_figures_render_as_a_table_and_series_as_charts(tmp_path: Path) -> None:
    run = sample_run(tmp_path)
    run.load = {"refresh p99 ms": 19.4, "requests": 48213, "series": {"req/s": [[0, 0], [5, 3900]]}}
    out = tmp_path / "report"
    html = write_report(run, out).read_text()
    section = html[html.index("<h2>Load</h2>") : html.index("Tests and their timelines")]
    assert '<td>refresh p99 ms</td><td class="value">19.4</td>' in section
    assert "48,213" in section and section.count('class="load-chart"') == 1
    assert json.loads((out / "results.json").read_text())["load"] == run.load


def test_a_conformance_run_writes_its_grade_first_in_the_page_and_as_a_badge(
    tmp_path: Path,
) -> None:
    checks = "scenarios/conformance/test_rotation.py::test_"
    tests = [
        TestResult(checks + "refresh_rotates_the_refresh_token", "conformance", status="failed"),
        TestResult(checks + "each_sign_in_gets_new_tokens", "conformance"),
    ]
    write_report(RunResult("20260105T090000Z", T0, wall_s=1.0, tests=tests), tmp_path)
    grade = json.loads((tmp_path / "results.json").read_text())["grade"]
    assert (grade["letter"], grade["score"], grade["graded"]) == ("B+", 80, 2)
    assert [d["check"] for d in grade["deductions"]] == ["refresh_rotates_the_refresh_token"]
    assert "B+ 80/100" in (tmp_path / "grade.svg").read_text(encoding="utf-8")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert page.index('id="grade"') < page.index("Session conformance")
    assert "no refresh token rotation" in page


def test_a_run_without_conformance_checks_has_no_grade(tmp_path: Path) -> None:
    write_report(sample_run(tmp_path), tmp_path / "report")
    assert json.loads((tmp_path / "report" / "results.json").read_text())["grade"] is None
    assert not (tmp_path / "report" / "grade.svg").exists()
