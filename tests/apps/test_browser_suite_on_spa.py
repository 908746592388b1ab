"""The browser suite against a single-page app whose auth code the project did not write.

tests/apps/spa is axios with axios-auth-refresh (tokens in localStorage, a refresh only
after a 401, nothing shared between tabs) in front of the simplejwt app (rotation, the
parent blacklisted, no grace window). Each run is `session-harness run --suite browser
--target examples/<spa>.toml` in its own process; the verdicts are the ones the libraries'
documented behaviour implies.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
STREAMED = "browser/test_streaming.py::test_streamed_message_with_expired_token_is_answered"
REFRESH_BEFORE_EXPIRY = "test_active_user_gets_a_new_token_before_the_old_one_expires[browser]"
WORKING_IN_THREE_TABS = "test_user_working_in_three_tabs_through_four_token_lifetimes"
TEN_TABS = "test_ten_tabs_hitting_expiry_together_send_exactly_one_refresh[browser]"
LOST_REFRESH = "test_refresh_lost_on_the_network_is_tried_again_and_the_user_stays_signed_in"

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def run_browser_suite(example: str, report_dir: Path, keyword: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "harness", "run", "--suite", "browser", "-k", keyword,
         "--target", str(ROOT / "examples" / example), "--report-dir", str(report_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert "Traceback" not in completed.stderr, completed.stderr[-2000:]
    assert completed.returncode == 1, completed.stdout[-3000:]  # each variant fails somewhere
    doc: dict[str, Any] = json.loads((report_dir / "latest" / "results.json").read_text())
    return doc


def outcome(doc: dict[str, Any], name: str) -> dict[str, Any]:
    [test] = [t for t in doc["tests"] if name in t["id"]]
    return test


def events_of(report_dir: Path, name: str) -> list[dict[str, Any]]:
    with gzip.open(report_dir / "latest" / "events.ndjson.gz", "rt") as lines:
        return [e for e in map(json.loads, lines) if name in e.get("test", "")]


def test_raw_fetch_stream_is_caught_sending_the_user_to_login_with_the_evidence(
    tmp_path: Path,
) -> None:
    """The story's bug #2: the streaming request bypasses the interceptor's refresh."""
    doc = run_browser_suite("spa-axios-raw-fetch.toml", tmp_path, "streaming")
    streamed = outcome(doc, STREAMED)
    assert streamed["status"] == "failed"
    assert "redirect(s) to login" in streamed["failure"]["message"]
    files = [Path(a["path"]).name if isinstance(a, dict) else Path(a).name
             for a in streamed["artifacts"]]  # fmt: skip
    assert any(name.endswith(".png") for name in files), files
    assert any(name.endswith("trace.zip") for name in files), files
    seen = events_of(tmp_path, STREAMED)
    refused = [e for e in seen if e["kind"] == "unauthorized"]
    assert [e["path"] for e in refused] == ["/api/echo/stream"]
    assert not [e for e in seen if e["kind"] == "request" and e["purpose"] == "refresh"]
    assert [e["reason"] for e in seen if e["kind"] == "redirect_to_login"] == ["refresh_expired"]
    html = (tmp_path / "latest" / "index.html").read_text()
    assert "api/echo/stream" in html and "redirect_to_login" in html


def test_reactive_library_fails_proactive_refresh_and_races_across_tabs(tmp_path: Path) -> None:
    """axios-auth-refresh refreshes only after a 401 (AC2 fails while the user stays signed
    in); with no coordination between tabs, ten tabs waking after expiry each refresh with
    the same token, and the blacklist throws them out (three tabs do when their 401s meet)."""
    keyword = " or ".join(
        ("streaming", "before_the_old", "three_tabs_through", "ten_tabs", "lost_on")
    )
    doc = run_browser_suite("spa-axios.toml", tmp_path, keyword)
    assert outcome(doc, STREAMED)["status"] == "passed"  # the clean stream refreshes too
    ac2 = outcome(doc, REFRESH_BEFORE_EXPIRY)
    assert ac2["status"] == "failed"
    assert "expired before a refresh replaced them" in ac2["failure"]["message"]
    assert not [e for e in events_of(tmp_path, REFRESH_BEFORE_EXPIRY) if "login" in e["kind"]]
    three_tabs = outcome(doc, WORKING_IN_THREE_TABS)  # tabs whose 401s meet: they race
    if three_tabs["status"] == "failed":
        assert "redirect(s) to login" in three_tabs["failure"]["message"]
    ten = events_of(tmp_path, TEN_TABS)
    refreshes = [e for e in ten if e["kind"] == "request" and e["purpose"] == "refresh"]
    assert len(refreshes) > 1  # amplification: one token lifetime, several refreshes
    assert outcome(doc, TEN_TABS)["status"] == "failed"
    assert [e for e in ten if e["kind"] == "redirect_to_login"]  # a false logout
    # Any failed refresh, a dropped connection included, clears the tokens: signed out.
    lost = outcome(doc, LOST_REFRESH)
    assert lost["status"] == "failed"
    assert [e for e in events_of(tmp_path, LOST_REFRESH) if e["kind"] == "redirect_to_login"]
