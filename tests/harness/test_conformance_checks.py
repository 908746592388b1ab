"""Each conformance check fails on an app with the flaw it looks for (flawed_app.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.report.verdicts import FAIL, NOT_APPLICABLE, PASS, WARN

HERE = Path(__file__).resolve().parent
CHECKS = HERE.parents[1] / "scenarios" / "conformance"
PROFILE = HERE / "flawed_app.toml"


def run_checks(
    pytester: pytest.Pytester, flaws: str, *files: str, edits: dict[str, str] | None = None
) -> dict[str, dict[str, str]]:
    """Run the checks in `files` against flawed_app with `flaws`, in-process; verdicts by check."""
    text = PROFILE.read_text(encoding="utf-8").replace(
        'cwd = "."', f'cwd = "{HERE}"\nenv = {{ FLAWED_APP_FLAWS = "{flaws}" }}'
    )
    for old, new in (edits or {}).items():
        assert old in text
        text = text.replace(old, new)
    profile = pytester.path / "flawed.toml"
    profile.write_text(text, encoding="utf-8")
    paths = [str(CHECKS / name) for name in files] or [str(CHECKS)]
    reports = pytester.path / "reports"
    pytester.runpytest_inprocess(
        *paths, "--target", str(profile), "-p", "no:cacheprovider", "--harness-report", str(reports)
    )
    rows = json.loads((reports / "latest" / "results.json").read_text())["conformance"]
    return {row["check"]: row for row in rows}


def test_every_check_passes_or_warns_on_the_app_without_flaws(pytester: pytest.Pytester) -> None:
    verdicts = run_checks(pytester, "")
    assert len(verdicts) >= 20
    assert {row["verdict"] for row in verdicts.values()} <= {PASS, WARN, NOT_APPLICABLE}
    assert verdicts["logout_all_ends_the_other_sessions"]["verdict"] == NOT_APPLICABLE
    assert verdicts["logout_all_ends_the_other_sessions"]["reason"] == (
        "needs [logout_all] in the target profile"
    )
    # Stateless access tokens outlive a logout: worth a warning, not a failure.
    logout = verdicts["logout_revokes_the_refresh_token"]
    assert logout["verdict"] == WARN and "access token still works" in logout["reason"]


FLAWS = [
    (
        "unverified_signature",
        "test_token_rejection.py",
        "forged_access_token_is_rejected[alg_none]",
        "was accepted",
    ),
    (
        "unverified_signature",
        "test_token_rejection.py",
        "forged_access_token_is_rejected[other_key]",
        "was accepted",
    ),
    ("no_rotation", "test_rotation.py", "refresh_rotates_the_refresh_token", "never rotated"),
    (
        "no_grace",
        "test_refresh_retry.py",
        "refresh_retried_after_a_lost_answer_keeps_the_user_signed_in",
        "the user is signed out",
    ),
    (
        "no_grace",
        "test_concurrent_refresh.py",
        "tabs_refreshing_at_once_all_stay_signed_in",
        "4 of 5 tabs",
    ),
    (
        "no_family_revocation",
        "test_reuse_detection.py",
        "replayed_refresh_token_is_refused_and_revokes_the_family",
        "no family revocation",
    ),
    (
        "no_refresh_expiry,no_idle_timeout",
        "test_refresh_expiry.py",
        "refresh_after_the_refresh_ttl_is_refused",
        "was accepted",
    ),
    (
        "fixed_expiry",
        "test_refresh_expiry.py",
        "refresh_expiry_slides_or_stays_fixed_as_promised",
        "promised a sliding",
    ),
    (
        "no_idle_timeout",
        "test_idle_and_absolute.py",
        "idle_session_ends_after_the_idle_timeout",
        "idle (promised 300 s)",
    ),
    (
        "activity_ignored",
        "test_idle_and_absolute.py",
        "activity_extends_the_idle_deadline",
        "signed out although active",
    ),
    (
        "no_absolute",
        "test_idle_and_absolute.py",
        "absolute_lifetime_ends_an_active_session",
        "past its absolute lifetime",
    ),
    (
        "logout_noop",
        "test_logout.py",
        "logout_revokes_the_refresh_token",
        "after logout was accepted",
    ),
    (
        "no_csrf",
        "test_csrf.py",
        "cookie_refresh_without_its_csrf_header_is_refused",
        "without X-CSRF was served",
    ),
    (
        "cacheable",
        "test_cache_headers.py",
        "token_response_is_not_stored[refresh]",
        "may be cached",
    ),
    (
        "stream_ignores_token",
        "test_streaming.py",
        "stream_refuses_a_bad_token_as_json_requests_do[tampered]",
        "was accepted",
    ),
    (
        "legacy_login_ttl",
        "test_token_lifetime.py",
        "access_ttl_is_the_same_on_every_issuing_path",
        "different times",
    ),
    (
        "cookie_unparsable",
        "test_refresh_cookie.py",
        "refresh_cookie_is_http_only",
        "a malformed refresh cookie, it does not parse as a cookie (Set-Cookie: rt=",
    ),
    (
        "cookie_max_age_garbled",
        "test_refresh_cookie.py",
        "refresh_cookie_lives_no_longer_than_the_refresh_ttl",
        "Max-Age=soon is not a number (Set-Cookie: rt=<redacted>; Max-Age=soon",
    ),
]


@pytest.mark.parametrize(("flaws", "file", "check", "says"), FLAWS)
def test_check_fails_on_the_flaw_it_looks_for(
    pytester: pytest.Pytester, flaws: str, file: str, check: str, says: str
) -> None:
    verdict = run_checks(pytester, flaws, file)[check]
    assert verdict["verdict"] == FAIL, verdict
    assert says in verdict["reason"]


def test_unrevoked_family_warns_when_nothing_is_promised(pytester: pytest.Pytester) -> None:
    verdicts = run_checks(
        pytester,
        "no_family_revocation",
        "test_reuse_detection.py",
        edits={"reuse_detection = true\n": ""},
    )
    verdict = verdicts["replayed_refresh_token_is_refused_and_revokes_the_family"]
    assert verdict["verdict"] == WARN
    assert "RFC 9700 §4.14.2" in verdict["reason"]


def test_reuse_check_is_not_applicable_without_rotation(pytester: pytest.Pytester) -> None:
    verdict = run_checks(pytester, "no_rotation", "test_reuse_detection.py")[
        "replayed_refresh_token_is_refused_and_revokes_the_family"
    ]
    assert verdict["verdict"] == NOT_APPLICABLE
    assert verdict["reason"].startswith("the refresh token is not rotated")


def test_time_checks_are_not_applicable_without_promises(pytester: pytest.Pytester) -> None:
    verdicts = run_checks(
        pytester,
        "",
        "test_idle_and_absolute.py",
        edits={"idle_timeout_seconds = 300\n": "", "absolute_seconds = 3600\n": ""},
    )
    reasons = {check: row["reason"] for check, row in verdicts.items()}
    assert {row["verdict"] for row in verdicts.values()} == {NOT_APPLICABLE}
    assert reasons["absolute_lifetime_ends_an_active_session"] == (
        "needs an absolute lifetime (policy.absolute_seconds): the profile promises none"
    )


def test_every_check_names_its_reference(pytester: pytest.Pytester) -> None:
    items, _ = pytester.inline_genitems(str(CHECKS), "-p", "no:cacheprovider")
    assert len(items) >= 20
    assert [item.nodeid for item in items if item.get_closest_marker("reference") is None] == []


def test_racing_tabs_that_fork_the_family_warn(pytester: pytest.Pytester) -> None:
    verdict = run_checks(pytester, "fork_on_reuse,no_grace", "test_concurrent_refresh.py")[
        "tabs_refreshing_at_once_all_stay_signed_in"
    ]
    assert verdict["verdict"] == WARN
    assert "5 different refresh tokens" in verdict["reason"] and "forked" in verdict["reason"]
