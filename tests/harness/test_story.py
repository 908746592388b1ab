from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.cli import main
from harness.story import StoryError, default_story, load_story, parse_story

SECURITY_STORY = """
id = "SEC"
title = "Sessions are safe"

[[criteria]]
id = "SEC-1"
text = "A stolen refresh token is useless once rotated"

[[criteria]]
id = "SEC-2"
text = "Sign-out ends the session everywhere"

[[rows]]
name = "Replay of a rotated token"
expected = "Whole family revoked"
"""
SECURITY_SCENARIOS = """
import pytest

@pytest.mark.ac("SEC-1")
@pytest.mark.scenario("Replay of a rotated token")
def test_replay(recorder):
    pass

@pytest.mark.ac("SEC-2", "SEC-9")
def test_sign_out(recorder):
    pass
"""


def test_bundled_story_is_story_3_2_with_seven_criteria_and_five_rows() -> None:
    story = default_story()
    assert story.label.startswith("Story 3.2: Fix Session Auto-Refresh")
    assert [c.id for c in story.criteria] == [f"AC{n}" for n in range(1, 8)]
    assert len(story.rows) == 5 and story.rows[0].name == "User active, access token expires"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id = ", "not valid TOML"),
        ('id = "X"\ntitle = "t"\ncriteria = []', "criteria: List should have at least 1 item"),
        ('id = "X"\ntitle = "t"\n[[criteria]]\nid = "A B"\ntext = "t"', "criteria.0.id: String"),
        (
            'id = "X"\ntitle = "t"\n[[criteria]]\nid = "A"\ntext = "t"\n'
            '[[criteria]]\nid = "A"\ntext = "u"',
            "criterion id listed twice: A",
        ),
        ('id = "X"\ntitle = "t"\n[[criteria]]\nid = "A"\ntext = "t"\ncolour = 1', "colour"),
    ],
)
def test_bad_story_raises_one_line_naming_the_problem(text: str, message: str) -> None:
    with pytest.raises(StoryError, match=message) as caught:
        parse_story(text, "mine.toml")
    assert "\n" not in str(caught.value) and str(caught.value).startswith("story mine.toml: ")


def test_missing_story_file_is_a_story_error(tmp_path: Path) -> None:
    with pytest.raises(StoryError, match="cannot read it"):
        load_story(tmp_path / "absent.toml")


def test_run_with_a_bad_story_file_exits_2_with_one_line(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    (pytester.path / "story.toml").write_text("id = ")
    (pytester.path / "scenarios").mkdir()
    assert main(["run", "--story", "story.toml"]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("session-harness: story story.toml: not valid TOML") and err.count("\n") == 1
    )


def security_project(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\nharness_story = sec.toml\n"
    )
    (pytester.path / "sec.toml").write_text(SECURITY_STORY)
    (pytester.path / "scenarios" / "api").mkdir(parents=True)
    (pytester.path / "scenarios" / "api" / "test_sec.py").write_text(SECURITY_SCENARIOS)


def test_custom_story_drives_the_matrix_in_terminal_json_junit_and_html(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    security_project(pytester)
    assert main(["run", "--report-dir", "out"]) == 0
    terminal = " ".join(capsys.readouterr().out.split())
    assert "Story SEC: Sessions are safe" in terminal
    assert "SEC-1" in terminal and "SEC-2" in terminal and "AC1" not in terminal
    assert "warning: ids not in story SEC: SEC-9" in terminal
    report = pytester.path / "out" / "latest"
    doc = json.loads((report / "results.json").read_text())
    assert doc["story"] == {"id": "SEC", "title": "Sessions are safe"}
    assert list(doc["acceptance_criteria"]) == ["SEC-1", "SEC-2", "SEC-9"]
    assert doc["acceptance_criteria"]["SEC-1"]["status"] == "passed"
    assert doc["acceptance_criteria"]["SEC-9"]["in_story"] is False
    assert list(doc["scenarios"]) == ["Replay of a rotated token"]
    root = ET.parse(report / "junit.xml").getroot()
    properties = {(p.get("name"), p.get("value")) for p in root.iter("property")}
    assert {("ac", "SEC-1"), ("ac", "SEC-2"), ("ac", "SEC-9")} <= properties
    html = (report / "index.html").read_text()
    assert "Story SEC: Sessions are safe" in html and "A stolen refresh token" in html
    assert '<td class="id">SEC-9</td>' in html and "not in Story SEC" in html
    assert "Active users are NOT redirected" not in html


def test_an_id_not_in_the_story_fails_the_run_under_strict(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    security_project(pytester)
    assert main(["run", "--report-dir", "out", "--strict"]) == 1
    assert "--strict: ids not in story SEC: SEC-9" in capsys.readouterr().out


def test_story_option_beats_the_ini_key(pytester: pytest.Pytester) -> None:
    security_project(pytester)
    (pytester.path / "other.toml").write_text(
        SECURITY_STORY.replace('id = "SEC"', 'id = "OTHER"', 1)
    )
    pytester.runpytest("--story", "other.toml", "--harness-report", "out")
    doc = json.loads((pytester.path / "out" / "latest" / "results.json").read_text())
    assert doc["story"]["id"] == "OTHER"
