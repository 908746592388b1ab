"""A session grade, A+ to F, from the conformance verdicts: the Observatory's way of scoring.

Like the Mozilla HTTP Observatory, a grade starts at 100 and each finding deducts the points
its row of `SCORING` publishes; the score's band gives the letter (`BANDS`). A check scores
on its own verdict only: pass and not applicable deduct nothing, a warn deducts the row's
`warn` points, a fail its `fail` points. A parametrised check (`[tampered]`, `[alg_none]`)
is one finding, judged by its worst case. The table is docs/conformance.md's "Session grade".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Final

from harness.report.verdicts import FAIL, NOT_APPLICABLE, PASS, WARN, CheckVerdict

START: Final = 100
# A parametrised check is judged by its worst case; not applicable is no verdict at all.
SEVERITY: Final = {NOT_APPLICABLE: 0, PASS: 1, WARN: 2, FAIL: 3}


@dataclass(frozen=True)
class Scoring:
    """What a warn or a fail of `check` costs, the finding it names and its reference."""

    check: str  # the check's name without its parameters
    fail: int
    warn: int
    finding: str  # on a fail
    warn_finding: str  # on a warn
    reference: str


@dataclass(frozen=True)
class Deduction:
    points: int
    finding: str
    reference: str
    check: str

    def __str__(self) -> str:
        return f"-{self.points} {self.finding} ({self.reference})"


@dataclass(frozen=True)
class Grade:
    """`graded`: how many checks had a verdict to score (not applicable ones excluded)."""

    letter: str
    score: int
    deductions: tuple[Deduction, ...]
    graded: int

    def line(self) -> str:
        """Session grade: B (70/100): -20 no rotation (RFC 9700 §4.14.2), ..."""
        head = f"Session grade: {self.letter} ({self.score}/{START})"
        if not self.deductions:
            return f"{head}: no deduction"
        return f"{head}: " + ", ".join(str(d) for d in self.deductions)

    def to_dict(self) -> dict[str, Any]:
        return {
            "letter": self.letter,
            "score": self.score,
            "graded": self.graded,
            "deductions": [asdict(d) for d in self.deductions],
        }


def _row(
    check: str, fail: int, finding: str, reference: str, warn: int = 0, warn_finding: str = ""
) -> Scoring:
    return Scoring(check, fail, warn, finding, warn_finding or finding, reference)


RFC9700 = "RFC 9700 §4.14.2"
FAPI2 = "FAPI 2.0 Security Profile §5.3.2.1"
COOKIES = "WSTG-SESS-02"

SCORING: Final[tuple[Scoring, ...]] = (
    # Tokens: a forged or dead token that works is the worst finding there is.
    _row("forged_access_token_is_rejected", 50, "forged access token accepted", "WSTG-SESS-10"),
    _row("expired_access_token_is_rejected", 40, "expired access token accepted", "WSTG-SESS-07"),
    _row(
        "refresh_token_is_not_accepted_as_access_token",
        25,
        "refresh token accepted as an access token",
        "OWASP ASVS 5.0 V9.2.2",
    ),
    _row(
        "each_sign_in_gets_new_tokens",
        25,
        "a sign-in reuses old tokens (fixation)",
        "WSTG-SESS-03",
    ),
    _row(
        "access_ttl_is_the_same_on_every_issuing_path",
        10,
        "access TTL differs between login and refresh",
        "OWASP ASVS 5.0 V7.1.1",
    ),
    _row(
        "token_response_is_not_stored",
        5,
        "token response may be cached",
        "RFC 6749 §5.1",
        warn=5,
    ),
    # Refresh: rotation, replay and the grace a rotating server owes a retry.
    _row("refresh_rotates_the_refresh_token", 20, "no refresh token rotation", RFC9700),
    _row(
        "replayed_refresh_token_is_refused_and_revokes_the_family",
        25,
        "replayed refresh token accepted",
        RFC9700,
        warn=10,
        warn_finding="replay refused without revoking the family",
    ),
    _row(
        "refresh_retried_after_a_lost_answer_keeps_the_user_signed_in",
        15,
        "rotation with no grace window: a retried refresh signs the user out",
        FAPI2,
    ),
    _row(
        "tabs_refreshing_at_once_all_stay_signed_in",
        15,
        "tabs refreshing at once sign a user out",
        RFC9700,
        warn=5,
        warn_finding="tabs refreshing at once fork the token family",
    ),
    _row(
        "refresh_after_the_refresh_ttl_is_refused",
        20,
        "expired refresh token accepted",
        "WSTG-SESS-07",
    ),
    _row(
        "refresh_expiry_slides_or_stays_fixed_as_promised",
        10,
        "refresh expiry neither slides nor stays fixed as promised",
        "OWASP ASVS 5.0 V10.4.8",
    ),
    # Timeouts.
    _row(
        "idle_session_ends_after_the_idle_timeout",
        15,
        "no idle timeout",
        "WSTG-SESS-07",
    ),
    _row(
        "activity_extends_the_idle_deadline",
        20,
        "an active user is signed out at the idle deadline",
        "OWASP ASVS 5.0 V7.3.1",
    ),
    _row(
        "absolute_lifetime_ends_an_active_session",
        10,
        "no absolute lifetime",
        "OWASP ASVS 5.0 V7.3.2",
    ),
    # Logout.
    _row(
        "logout_revokes_the_refresh_token",
        20,
        "logout leaves the session alive",
        "OWASP ASVS 5.0 V7.4.1",
        warn=5,
        warn_finding="the access token outlives logout",
    ),
    _row(
        "logout_all_ends_the_other_sessions",
        10,
        "logout-all leaves other sessions alive",
        "OWASP ASVS 5.0 V7.4.1",
    ),
    # The refresh cookie and its CSRF guard.
    _row(
        "cookie_refresh_without_its_csrf_header_is_refused",
        20,
        "cookie refresh without its CSRF header accepted",
        "WSTG-SESS-05",
    ),
    _row("refresh_cookie_is_http_only", 20, "refresh cookie without HttpOnly", COOKIES),
    _row("refresh_cookie_is_secure_on_https", 20, "refresh cookie without Secure", COOKIES),
    _row(
        "refresh_cookie_has_same_site",
        10,
        "refresh cookie without SameSite",
        COOKIES,
        warn=5,
        warn_finding="refresh cookie with SameSite=None",
    ),
    _row(
        "refresh_cookie_is_scoped_to_the_refresh_path",
        5,
        "refresh cookie Path too wide",
        COOKIES,  # its warn (a __Host- cookie, which must be Path=/) is a trade, not a flaw
    ),
    _row(
        "refresh_cookie_lives_no_longer_than_the_refresh_ttl",
        5,
        "refresh cookie outlives the refresh TTL",
        COOKIES,
    ),
    _row(
        "logout_clears_the_refresh_cookie_the_sign_in_set",
        5,
        "logout leaves the refresh cookie",
        "WSTG-SESS-06",
    ),
    # Streaming requests (Story 3.2 root cause #2).
    _row(
        "stream_accepts_the_access_token",
        15,
        "a stream refuses a valid access token",
        "OWASP ASVS 5.0 V9.2.1",
    ),
    _row(
        "stream_refuses_a_bad_token_as_json_requests_do",
        25,
        "a stream accepts a bad token",
        "OWASP ASVS 5.0 V9.2.1",
    ),
    # One user's data in another's session: a session that is not its user's alone.
    _row(
        "no_user_reads_back_another_users_actions",
        50,
        "a user reads another user's data",
        "WSTG-ATHZ-02",
    ),
    _row(
        "the_session_of_each_user_names_that_user_alone",
        50,
        "a session answers as another user",
        "WSTG-SESS-09",
    ),
)
# Checks that do not judge the app: `check --measure` reports the policy, it does not grade it.
UNGRADED: Final = frozenset({"the_session_policy_as_measured"})

# (lowest score, letter), best first: the Observatory's bands.
BANDS: Final = (
    (90, "A"),
    (85, "A-"),
    (80, "B+"),
    (70, "B"),
    (65, "B-"),
    (60, "C+"),
    (50, "C"),
    (45, "C-"),
    (40, "D+"),
    (30, "D"),
    (25, "D-"),
    (0, "F"),
)
TOP: Final = "A+"  # 100 and not a single deduction


def letter(score: int, deductions: int) -> str:
    if score >= START and not deductions:
        return TOP
    return next(name for lowest, name in BANDS if score >= lowest)


def grade(verdicts: Iterable[CheckVerdict], table: Sequence[Scoring] = SCORING) -> Grade:
    """The grade of one run's verdicts; checks the table does not name score nothing."""
    worst: dict[str, str] = {}
    for row in verdicts:
        name = base_name(row.check)
        if SEVERITY[row.verdict] > SEVERITY[worst.get(name, NOT_APPLICABLE)]:
            worst[name] = row.verdict
    found = (d for rule in table if (d := _deduction(rule, worst.get(rule.check))))
    deductions = tuple(sorted(found, key=lambda d: -d.points))  # the costliest first
    graded = sum(1 for rule in table if rule.check in worst)
    score = max(0, START - sum(d.points for d in deductions))
    return Grade(letter(score, len(deductions)), score, deductions, graded)


def graded(verdicts: Sequence[CheckVerdict]) -> Grade | None:
    """The grade, or None when no check it scores gave a verdict (a --measure run, a -k
    that picked none): an A+ from nothing would say what was never checked."""
    result = grade(verdicts)
    return result if result.graded else None


def _deduction(rule: Scoring, verdict: str | None) -> Deduction | None:
    if verdict == FAIL and rule.fail:
        return Deduction(rule.fail, rule.finding, rule.reference, rule.check)
    if verdict == WARN and rule.warn:
        return Deduction(rule.warn, rule.warn_finding, rule.reference, rule.check)
    return None


def base_name(check: str) -> str:
    """forged_access_token_is_rejected[alg_none] → forged_access_token_is_rejected"""
    return check.partition("[")[0]
