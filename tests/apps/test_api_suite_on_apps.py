"""The story's API scenarios against apps built on other people's auth code, from their profiles.

Each run is `session-harness run --target examples/<app>.toml --suite api` in its own
process: what applies runs, the rest is reported not applicable, and a real defect of the
library's defaults shows as a failed scenario with its reason.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_api_suite(example: str, report_dir: Path) -> tuple[int, dict[str, Any]]:
    completed = subprocess.run(
        [sys.executable, "-m", "harness", "run", "--suite", "api", "-m", "not slow",
         "--target", str(ROOT / "examples" / example), "--report-dir", str(report_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert "Traceback" not in completed.stderr, completed.stderr[-2000:]
    doc = json.loads((report_dir / "latest" / "results.json").read_text())
    return completed.returncode, doc


WRONG_CLAIMS = "test_well_signed_tokens_with_wrong_claims_are_refused_and_the_users_session_goes_on"


def failures(doc: dict[str, Any]) -> dict[str, str]:
    return {
        test["id"].rsplit("::", 1)[-1]: test["failure"]["message"]
        for test in doc["tests"]
        if test["status"] == "failed"
    }


@pytest.mark.slow
def test_simplejwt_app_fails_only_on_well_signed_tokens_it_answers_with_a_server_error(
    tmp_path: Path,
) -> None:
    """simplejwt converts `exp` with datetime.fromtimestamp after PyJWT accepted it, and looks
    a user up by whatever `user_id` holds: a string `exp`, one past the year 9999, or a list
    for `user_id` is a 500 (PyJWT itself takes a numeric string for a time)."""
    code, doc = run_api_suite("drf-simplejwt.toml", tmp_path)
    failed = failures(doc)
    assert code == 1 and list(failed) == [WRONG_CLAIMS]
    for finding in ("exp as a string: a server error", "user_id ['1']: a server error"):
        assert finding in failed[WRONG_CLAIMS]
    assert doc["summary"]["passed"] >= 10 and doc["summary"]["not_applicable"] >= 20
    assert doc["target"].startswith("drf-simplejwt")


@pytest.mark.slow
def test_flask_cookie_app_fails_the_logout_that_leaves_the_session_alive_and_loose_claims(
    tmp_path: Path,
) -> None:
    """flask-jwt-extended refuses a refresh-typed token as an access token but takes any other
    type, reads a token without one as an access token, and requires no `exp`."""
    code, doc = run_api_suite("flask-jwt-cookies.toml", tmp_path)
    failed = failures(doc)
    logout = "test_logout_in_one_tab_sends_every_tab_of_the_profile_to_login[api]"
    assert code == 1
    assert sorted(failed) == sorted([logout, WRONG_CLAIMS])
    assert "logout only cleared the browser" in failed[logout]
    for finding in ("type 'id': answered 200", "type missing: answered 200", "exp missing"):
        assert finding in failed[WRONG_CLAIMS]
    assert "type 'refresh'" not in failed[WRONG_CLAIMS]
    assert doc["summary"]["passed"] >= 10 and doc["summary"]["not_applicable"] >= 20
