"""Story 3.2 as data: its acceptance criteria and its test-scenario table, for reports."""

from __future__ import annotations

from typing import Final

ACCEPTANCE_CRITERIA: Final[dict[str, str]] = {
    "AC1": "Active users are NOT redirected to login while using the app",
    "AC2": "Access token is refreshed automatically before expiry",
    "AC3": "Refresh happens silently (no UI interruption)",
    "AC4": (
        "Failed refresh (e.g., refresh token expired) gracefully redirects to login with message"
    ),
    "AC5": "User activity (clicks, API calls) extends session",
    "AC6": "Idle timeout only triggers after X minutes of NO activity (configurable)",
    "AC7": "Session expiry warning shown before redirect (optional nice-to-have)",
}

# The story's "Test Scenarios" table: row name (used verbatim in @pytest.mark.scenario) → expected.
SCENARIO_TABLE: Final[dict[str, str]] = {
    "User active, access token expires": "Silent refresh, no interruption",
    "User idle 30 min, returns": "Silent refresh if refresh token valid",
    "Refresh token expired": "Redirect to login with message",
    "Network error during refresh": "Retry, then graceful error",
    "Multiple tabs open": "All tabs refresh without conflict",
}

# "conformance": the black-box session checks of `session-harness check`.
SUITES: Final[tuple[str, ...]] = ("api", "browser", "load", "conformance")
SUITE_CHOICES: Final[tuple[str, ...]] = (*SUITES, "all")
