"""`session-harness check --measure` against the reference app and apps built on other
people's auth code: each app's numbers and behaviours as its settings and library make them.

Each run starts the app from its profile's [server] command, as a user's first run does.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
REPLAY = "replay outside the window"


def measured(target: str, report_dir: Path, *extra: str) -> tuple[int, dict[str, dict[str, Any]]]:
    code = main(["check", "--target", target, "--measure", "--report-dir", str(report_dir), *extra])
    doc = json.loads((report_dir / "latest" / "results.json").read_text(encoding="utf-8"))
    # One measurement, reported; its time is benchmarks/measure.py's figure, not a test's.
    (test,) = doc["tests"]
    assert test["status"] == "passed" or code != 0, test
    return code, {row["what"]: row for row in doc["measured"]}


def value(rows: dict[str, dict[str, Any]], what: str) -> Any:
    return rows[what]["value"]


def test_the_reference_app_measures_as_configured(tmp_path: Path) -> None:
    code, rows = measured("reference-app", tmp_path)
    assert code == 0
    assert value(rows, "grace window") == pytest.approx(10, abs=1)
    assert "the parent gets the same child" in rows["grace window"]["measured"]
    assert value(rows, "idle timeout") == 3_600
    assert value(rows, "absolute lifetime") == 2_592_000
    # Served and refused one second apart; which second holds the boundary is the app's
    # sub-second business (its test clock ticks on between moves).
    assert "to within" not in rows["absolute lifetime"]["measured"]
    assert rows[REPLAY]["measured"] == ("revokes the family: its child stops working")
    assert value(rows, "access TTL (login)") == value(rows, "access TTL (refresh)") == 1_800
    assert value(rows, "refresh expiry") == "sliding" and value(rows, "rotation") is True
    assert rows["refresh TTL"]["verdict"] == "not measured"  # the idle timeout ends it first
    assert {row["verdict"] for row in rows.values()} == {"matches", "not measured"}


def test_the_simplejwt_app_has_no_grace_window_and_no_family_revocation(tmp_path: Path) -> None:
    code, rows = measured(str(EXAMPLES / "drf-simplejwt.toml"), tmp_path)
    assert code == 0
    assert rows["grace window"]["measured"] == "0 s: the parent is refused at once"
    assert rows[REPLAY]["measured"] == "revokes the replayed token only"
    assert value(rows, "replay outside the window") is False
    assert value(rows, "refresh TTL") == 86_400 and value(rows, "refresh expiry") == "sliding"
    assert rows["absolute lifetime"]["measured"].startswith("none:")
    assert rows["logout"]["measured"] == "revokes the refresh token"  # its access tokens live on


def test_the_flask_app_never_rotates_and_its_written_policy_says_so(tmp_path: Path) -> None:
    source = (EXAMPLES / "flask-jwt-cookies.toml").read_text(encoding="utf-8")
    profile = tmp_path / "flask.toml"
    profile.write_text(source.replace('cwd = ".."', f'cwd = "{ROOT}"'), encoding="utf-8")
    code, rows = measured(str(profile), tmp_path / "r", "--write-policy")
    assert code == 0
    assert value(rows, "rotation") is False
    assert rows["grace window"]["verdict"] == "not measured"
    assert value(rows, "refresh expiry") == "fixed"
    assert value(rows, "absolute lifetime") == 86_400  # the fixed refresh token ends it
    assert rows["logout"]["measured"] == "revokes nothing: the session goes on"
    written = profile.read_text(encoding="utf-8")
    assert tomllib.loads(written)["policy"] == {
        "access_ttl_seconds": 300,
        "refresh_ttl_seconds": 86400,
        "refresh_expiry": "fixed",
        "rotation": False,
        "idle_timeout_seconds": 0,
        "absolute_seconds": 86400,
        "access_revocation": False,
    }
    # Only [policy] changed: every comment and every other line is as it was.
    kept = [line for line in source.splitlines() if "measured" not in line]
    assert [line for line in written.splitlines() if "# measured" not in line] == [
        line.replace('cwd = ".."', f'cwd = "{ROOT}"') for line in kept
    ]


def test_a_promise_the_app_does_not_keep_differs_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = (EXAMPLES / "drf-simplejwt.toml").read_text(encoding="utf-8")
    profile = tmp_path / "drf.toml"
    wrong = source.replace('cwd = ".."', f'cwd = "{ROOT}"').replace(
        "grace_seconds = 0", "grace_seconds = 30\nreuse_detection = true"
    )
    profile.write_text(wrong, encoding="utf-8")
    code, rows = measured(str(profile), tmp_path / "r")
    assert code == 1
    assert rows["grace window"]["verdict"] == rows[REPLAY]["verdict"] == "differs"
    assert rows["grace window"]["promised"] == "30 s"
    out = " ".join(capsys.readouterr().out.split())
    assert "2 differs" in out and "Session policy: drf-simplejwt" in out
