from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.starter import FILES


def test_init_writes_a_starter_whose_api_suite_passes_with_its_own_story(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init"]) == 0
    assert sorted(str(p.relative_to(pytester.path)) for p in pytester.path.rglob("*.*")) == sorted(
        FILES
    )
    assert "asyncio_mode = auto" in (pytester.path / "pytest.ini").read_text()
    assert "docs/testing-your-app.md" in (pytester.path / "target.toml").read_text()
    assert main(["run", "--suite", "api"]) == 0
    doc = json.loads((pytester.path / "reports" / "latest" / "results.json").read_text())
    assert doc["story"]["id"] == "EXAMPLE-1"
    assert doc["acceptance_criteria"]["SESSION-1"]["status"] == "passed"
    assert "next: session-harness run --suite api" in capsys.readouterr().out


def test_init_into_a_new_folder_creates_it(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "checks")]) == 0
    assert (tmp_path / "checks" / "story.toml").is_file()


def test_init_never_overwrites_and_says_so_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "story.toml").write_text("mine")
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == f"session-harness: {tmp_path} already has story.toml: choose an empty folder\n"
    assert (tmp_path / "story.toml").read_text() == "mine"
    assert not (tmp_path / "pytest.ini").exists()
