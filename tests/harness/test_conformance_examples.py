"""The example profiles against the apps under tests/apps, built on other people's auth code:
each check's verdict is what the library's documented behaviour implies (tests/apps/README.md).
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from harness.conformance.runner import CheckOutcome, check

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# Checks neither app can be judged on: no idle or absolute limit promised, no logout-all,
# no streaming request.
NOT_APPLICABLE_TO_BOTH = {
    "idle_session_ends_after_the_idle_timeout": "not applicable",
    "activity_extends_the_idle_deadline": "not applicable",
    "absolute_lifetime_ends_an_active_session": "not applicable",
    "logout_all_ends_the_other_sessions": "not applicable",
    "stream_accepts_the_access_token": "not applicable",
    "stream_refuses_a_bad_token_as_json_requests_do[tampered]": "not applicable",
    "stream_refuses_a_bad_token_as_json_requests_do[expired]": "not applicable",
}
SOUND_TOKENS = {
    "access_ttl_is_the_same_on_every_issuing_path": "pass",
    "forged_access_token_is_rejected[tampered]": "pass",
    "forged_access_token_is_rejected[alg_none]": "pass",
    "forged_access_token_is_rejected[other_key]": "pass",
    "expired_access_token_is_rejected": "pass",
    "refresh_token_is_not_accepted_as_access_token": "pass",
    "each_sign_in_gets_new_tokens": "pass",
    "refresh_after_the_refresh_ttl_is_refused": "pass",
    "refresh_expiry_slides_or_stays_fixed_as_promised": "pass",
    # Neither library sets Cache-Control on its token responses.
    "token_response_is_not_stored[login]": "warn",
    "token_response_is_not_stored[refresh]": "warn",
    # Each echo answers its own user; /api/me names the signed-in user alone.
    "no_user_reads_back_another_users_actions": "pass",
    "the_session_of_each_user_names_that_user_alone": "pass",
}
COOKIE_CHECKS = (
    "refresh_cookie_is_http_only",
    "refresh_cookie_is_secure_on_https",
    "refresh_cookie_has_same_site",
    "refresh_cookie_is_scoped_to_the_refresh_path",
    "refresh_cookie_lives_no_longer_than_the_refresh_ttl",
    "logout_clears_the_refresh_cookie_the_sign_in_set",
)
RACE = frozenset({"fail", "warn"})  # a race whose winner the app's timing decides
EXPECTED: dict[str, dict[str, str | frozenset[str]]] = {
    # Rotation with a blacklist, no grace window and no family revocation.
    "drf-simplejwt.toml": {
        **NOT_APPLICABLE_TO_BOTH,
        **SOUND_TOKENS,
        "refresh_rotates_the_refresh_token": "pass",
        # simplejwt reads the blacklist, then writes it, in two queries: of five racing
        # refreshes one to five win. Losers sign their tab out (fail); when all win, five
        # children fork the family (warn). Either way not a pass.
        "tabs_refreshing_at_once_all_stay_signed_in": RACE,
        "refresh_retried_after_a_lost_answer_keeps_the_user_signed_in": "fail",
        "replayed_refresh_token_is_refused_and_revokes_the_family": "warn",
        "logout_revokes_the_refresh_token": "warn",  # the stateless access token outlives it
        "cookie_refresh_without_its_csrf_header_is_refused": "not applicable",  # JSON bodies
        **dict.fromkeys(COOKIE_CHECKS, "not applicable"),  # the refresh token is in JSON
    },
    # A cookie refresh token behind a double-submit header, never rotated, never revoked.
    "flask-jwt-cookies.toml": {
        **NOT_APPLICABLE_TO_BOTH,
        **SOUND_TOKENS,
        "refresh_rotates_the_refresh_token": "fail",
        "tabs_refreshing_at_once_all_stay_signed_in": "pass",
        "refresh_retried_after_a_lost_answer_keeps_the_user_signed_in": "pass",
        "replayed_refresh_token_is_refused_and_revokes_the_family": "not applicable",
        "logout_revokes_the_refresh_token": "fail",
        "cookie_refresh_without_its_csrf_header_is_refused": "pass",
        # Flask-JWT-Extended's defaults: JWT_REFRESH_COOKIE_PATH = "/", JWT_COOKIE_SAMESITE =
        # None (no attribute), JWT_SESSION_COOKIE = True (no Max-Age); served over http.
        "refresh_cookie_is_http_only": "pass",
        "refresh_cookie_is_secure_on_https": "not applicable",
        "refresh_cookie_has_same_site": "fail",
        "refresh_cookie_is_scoped_to_the_refresh_path": "fail",
        "refresh_cookie_lives_no_longer_than_the_refresh_ttl": "pass",
        "logout_clears_the_refresh_cookie_the_sign_in_set": "pass",
    },
}

# The session grade each example earns (docs/conformance.md, "Session grade"): each deduction
# as (check, points); a race's points are one of a set.
CACHED = ("token_response_is_not_stored", 5)
GRADES: dict[str, dict[str, int | frozenset[int]]] = {
    # 100 - 5 - 10 - 15 - (15 | 5) - 5 = 50 (C), or 60 (C+) when every racing tab wins.
    "drf-simplejwt.toml": dict(
        [
            CACHED,
            ("replayed_refresh_token_is_refused_and_revokes_the_family", 10),
            ("refresh_retried_after_a_lost_answer_keeps_the_user_signed_in", 15),
            ("tabs_refreshing_at_once_all_stay_signed_in", frozenset({15, 5})),
            ("logout_revokes_the_refresh_token", 5),
        ]
    ),
    # 100 - 5 - 20 - 20 - 10 - 5 = 40: D+.
    "flask-jwt-cookies.toml": dict(
        [
            CACHED,
            ("refresh_rotates_the_refresh_token", 20),
            ("logout_revokes_the_refresh_token", 20),
            ("refresh_cookie_has_same_site", 10),
            ("refresh_cookie_is_scoped_to_the_refresh_path", 5),
        ]
    ),
}
LETTERS = {"drf-simplejwt.toml": {50: "C", 60: "C+"}, "flask-jwt-cookies.toml": {40: "D+"}}


@pytest.mark.slow  # starts the app as a server and runs every check (~10 s each)
@pytest.mark.parametrize("example", sorted(EXPECTED))
def test_example_profile_gets_the_verdicts_its_library_implies(
    example: str, tmp_path: Path
) -> None:
    console = Console(file=StringIO(), width=200)
    outcome = check(EXAMPLES / example, report_dir=tmp_path, console=console)
    expected = EXPECTED[example]
    seen = {row.check: row.verdict for row in outcome.verdicts}
    assert set(seen) == set(expected)
    wrong = {check: v for check, v in seen.items() if v not in _allowed(expected[check])}
    assert wrong == {}, console.file.getvalue()  # type: ignore[attr-defined]
    assert outcome.exit_code == 1  # each has a check that fails
    _assert_grade(outcome, GRADES[example], LETTERS[example])


@pytest.mark.slow  # starts the reference app and runs every check (~15 s)
def test_reference_app_grades_a_plus_though_secure_is_not_applicable_over_http(
    tmp_path: Path,
) -> None:
    out = StringIO()
    outcome = check("reference-app", report_dir=tmp_path, console=Console(file=out, width=200))
    seen = {row.check: row.verdict for row in outcome.verdicts}
    assert seen["refresh_cookie_is_secure_on_https"] == "not applicable"
    _assert_grade(outcome, {}, {100: "A+"})
    printed = out.getvalue()
    assert printed.index("Session grade: A+ (100/100)") < printed.index("Session conformance")


def _assert_grade(
    outcome: CheckOutcome, deductions: dict[str, int | frozenset[int]], letters: dict[int, str]
) -> None:
    grade = outcome.grade
    assert grade is not None
    seen = {d.check: d.points for d in grade.deductions}
    assert set(seen) == set(deductions), grade.line()
    for name, points in deductions.items():
        assert seen[name] in _points(points), grade.line()
    assert grade.score == 100 - sum(seen.values())
    assert letters.get(grade.score) == grade.letter, grade.line()
    grade_svg = outcome.report_dir / "grade.svg" if outcome.report_dir else None
    assert grade_svg is not None and grade.letter in grade_svg.read_text(encoding="utf-8")


def _points(points: int | frozenset[int]) -> frozenset[int]:
    return points if isinstance(points, frozenset) else frozenset({points})


def _allowed(expected: str | frozenset[str]) -> frozenset[str]:
    return expected if isinstance(expected, frozenset) else frozenset({expected})
