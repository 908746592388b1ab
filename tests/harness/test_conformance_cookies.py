"""The refresh cookie's attributes, read and judged without any app."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from harness.conformance import cookies
from harness.conformance.cookies import MalformedCookie, SetCookie
from harness.report.verdicts import FAIL, NOT_APPLICABLE, PASS, WARN

NAME = "refresh_token"
LOGIN = "/api/auth/login"
NOW = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
DAY = 86_400.0


def cookie(attributes: str = "; HttpOnly; Path=/api/auth; SameSite=Strict") -> SetCookie:
    [found] = cookies.read([f"{NAME}=secret{attributes}"], NAME, LOGIN)
    return found


def test_read_takes_only_the_named_cookie_and_its_attributes() -> None:
    headers = ["csrf=abc; Path=/", f"{NAME}=tok; HttpOnly; Secure; Path=/api; Max-Age=60"]
    [found] = cookies.read(headers, NAME, LOGIN)
    assert (found.value, found.path, found.max_age) == ("tok", "/api", "60")
    assert found.http_only and found.secure and not found.same_site


def test_read_keeps_the_attributes_after_one_http_cookies_does_not_know() -> None:
    headers = [f"{NAME}=tok; Priority=High; HttpOnly; Partitioned; Secure; Path=/api/auth"]
    [found] = cookies.read(headers, NAME, LOGIN)
    assert (found.http_only, found.secure, found.path) == (True, True, "/api/auth")


def test_read_without_path_defaults_to_the_directory_of_the_request() -> None:
    assert cookie("; HttpOnly").path == "/api/auth"
    assert cookie("; HttpOnly").path_attribute == ""
    assert cookies.default_path("/login") == "/"


def test_read_of_a_header_that_does_not_parse_is_malformed_with_the_header() -> None:
    header = f"{NAME}=two words; Path=/"
    with pytest.raises(MalformedCookie) as caught:
        cookies.read([header], NAME, LOGIN)
    assert caught.value.header == header


@pytest.mark.parametrize(
    ("request_path", "cookie_path", "sent"),
    [
        ("/api/auth/refresh", "/api/auth", True),
        ("/api/auth/refresh", "/api/auth/", True),
        ("/api/auth", "/api/auth", True),
        ("/api/authority", "/api/auth", False),
        ("/api/chat", "/api/auth", False),
        ("/anything", "/", True),
    ],
)
def test_path_matches_as_rfc_6265(request_path: str, cookie_path: str, sent: bool) -> None:
    assert cookies.path_matches(request_path, cookie_path) is sent


def test_http_only_fails_without_it() -> None:
    assert cookies.http_only(cookie()).verdict == PASS
    judged = cookies.http_only(cookie("; Path=/api/auth; SameSite=Strict"))
    assert judged.verdict == FAIL and "script" in judged.text


def test_secure_is_not_applicable_on_http_and_required_on_https() -> None:
    assert cookies.secure(cookie(), "http").verdict == NOT_APPLICABLE
    assert cookies.secure(cookie(), "https").verdict == FAIL
    assert cookies.secure(cookie("; Secure"), "https").verdict == PASS


@pytest.mark.parametrize(
    ("attributes", "verdict"),
    [
        ("; SameSite=Strict", PASS),
        ("; SameSite=lax", PASS),
        ("; SameSite=None; Secure", WARN),
        ("; SameSite=None", FAIL),
        ("; SameSite=Sometimes", FAIL),
        ("", FAIL),
    ],
)
def test_same_site_strict_or_lax_none_only_with_secure(attributes: str, verdict: str) -> None:
    assert cookies.same_site(cookie(f"; HttpOnly{attributes}")).verdict == verdict


def test_scope_fails_at_the_root_and_where_the_refresh_path_is_not_covered() -> None:
    refresh, chat = "/api/auth/refresh", {"[action] /api/chat": "/api/chat"}
    assert cookies.scope(cookie(), refresh, chat).verdict == PASS
    root = cookies.scope(cookie("; Path=/"), refresh, chat)
    assert root.verdict == FAIL and "every request" in root.text
    elsewhere = cookies.scope(cookie("; Path=/api/session"), refresh, chat)
    assert elsewhere.verdict == FAIL and "never sends" in elsewhere.text
    wide = cookies.scope(cookie("; Path=/api"), refresh, chat)
    assert wide.verdict == WARN and "[action] /api/chat" in wide.text


def test_scope_at_the_root_only_warns_for_a_host_prefixed_cookie_which_must_be_there() -> None:
    [host] = cookies.read(["__Host-rt=x; Secure; Path=/"], "__Host-rt", LOGIN)
    judged = cookies.scope(host, "/api/auth/refresh", {})
    assert judged.verdict == WARN and "__Host- requires" in judged.text


def test_lifetime_against_the_promised_refresh_ttl() -> None:
    ttl = 7 * DAY

    def verdict(attributes: str) -> str:
        return cookies.lifetime(cookie(attributes), ttl, NOW, 60.0).verdict

    assert verdict("") == PASS  # a session cookie: noted
    assert verdict(f"; Max-Age={int(ttl)}") == PASS
    assert verdict(f"; Max-Age={int(ttl) + 30}") == PASS  # inside the tolerance
    assert verdict(f"; Max-Age={int(10 * ttl)}") == FAIL
    assert verdict(f"; Max-Age={int(DAY)}") == WARN
    assert verdict("; Expires=Tue, 15 Dec 2026 12:00:00 GMT") == PASS
    assert verdict("; Expires=Fri, 08 Jan 2027 12:00:00 GMT") == FAIL
    # Max-Age wins over Expires, as in a browser.
    assert verdict(f"; Max-Age={int(ttl)}; Expires=Fri, 08 Jan 2027 12:00:00 GMT") == PASS


@pytest.mark.parametrize("attributes", ["; Max-Age=soon", "; Max-Age=1.5", "; Expires=tomorrow"])
def test_lifetime_of_an_unreadable_max_age_or_expires_is_malformed(attributes: str) -> None:
    with pytest.raises(MalformedCookie, match="is not a"):
        cookies.lifetime(cookie(attributes), DAY, NOW, 60.0)


def logout(header: str) -> list[SetCookie]:
    return cookies.read([header], NAME, "/api/auth/logout")


def test_cleared_passes_when_the_logout_expires_the_same_name_and_path() -> None:
    expires = logout(f'{NAME}=""; Max-Age=0; Path=/api/auth; HttpOnly')
    assert cookies.cleared(cookie(), expires, NOW).verdict == PASS
    past = logout(f"{NAME}=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/api/auth")
    assert cookies.cleared(cookie(), past, NOW).verdict == PASS


def test_cleared_fails_when_the_logout_expires_another_path() -> None:
    judged = cookies.cleared(cookie(), logout(f'{NAME}=""; Max-Age=0; Path=/'), NOW)
    assert judged.verdict == FAIL
    assert "clears refresh_token at Path=/, not the sign-in's refresh_token at Path=/api/auth" in (
        judged.text
    )


def test_cleared_fails_without_a_clearing_cookie_and_warns_on_an_emptied_one() -> None:
    assert cookies.cleared(cookie(), [], NOW).verdict == FAIL
    emptied = logout(f'{NAME}=""; Path=/api/auth')
    assert cookies.cleared(cookie(), emptied, NOW).verdict == WARN
    again = logout(f"{NAME}=other; Path=/api/auth")
    assert cookies.cleared(cookie(), again, NOW).verdict == FAIL


def test_cleared_compares_the_domain_too() -> None:
    with_domain = cookie("; Path=/api/auth; Domain=example.com")
    host_only = logout(f'{NAME}=""; Max-Age=0; Path=/api/auth')
    assert cookies.cleared(with_domain, host_only, NOW).verdict == FAIL
    same = logout(f'{NAME}=""; Max-Age=0; Path=/api/auth; Domain=.example.com')
    assert cookies.cleared(with_domain, same, NOW).verdict == PASS


def test_sent_at_reads_the_date_header_else_the_fallback() -> None:
    assert cookies.sent_at({"date": "Tue, 08 Dec 2026 12:00:00 GMT"}, NOW.replace(hour=1)) == NOW
    assert cookies.sent_at({"date": "Tue, 08 Dec 2026 12:00:00 -0000"}, NOW) == NOW
    assert cookies.sent_at({"date": "garbage"}, NOW) == NOW
    assert cookies.sent_at({}, NOW) == NOW


# -- the checks against the reference app, clean and with each cookie regression ------------

CHECKS = Path(__file__).resolve().parents[2] / "scenarios/conformance/test_refresh_cookie.py"


def cookie_verdicts(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, regression: str
) -> dict[str, dict[str, str]]:
    """The cookie checks' verdicts on the in-process reference app with `regression` on."""
    monkeypatch.setenv("REFAPP_REGRESSIONS", regression)
    reports = pytester.path / "reports"
    pytester.runpytest_inprocess(
        str(CHECKS), "-p", "no:cacheprovider", "--harness-report", str(reports)
    )
    rows = json.loads((reports / "latest" / "results.json").read_text())["conformance"]
    return {row["check"]: row for row in rows}


def test_clean_reference_app_passes_every_cookie_check(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    verdicts = cookie_verdicts(pytester, monkeypatch, "")
    assert len(verdicts) == 6
    assert {name: row["verdict"] for name, row in verdicts.items() if row["verdict"] != PASS} == {
        "refresh_cookie_is_secure_on_https": NOT_APPLICABLE  # served over http
    }
    evidence = verdicts["refresh_cookie_is_http_only"]["reason"]
    assert "Set-Cookie: refresh_token=<refresh#1>; HttpOnly; Path=/api/auth" in evidence
    logout = verdicts["logout_clears_the_refresh_cookie_the_sign_in_set"]["reason"]
    assert "a cookie jar no longer holds it" in logout


@pytest.mark.parametrize(
    ("regression", "check", "says"),
    [
        ("refresh_cookie_path_root", "refresh_cookie_is_scoped_to_the_refresh_path", "Path=/:"),
        ("refresh_cookie_script_readable", "refresh_cookie_is_http_only", "no HttpOnly"),
        (
            "refresh_cookie_outlives_ttl",
            "refresh_cookie_lives_no_longer_than_the_refresh_ttl",
            "Max-Age=6048000",
        ),
        (
            "logout_clears_wrong_path",
            "logout_clears_the_refresh_cookie_the_sign_in_set",
            "not the sign-in's refresh_token at Path=/api/auth: the browser keeps it",
        ),
    ],
)
def test_cookie_regression_fails_its_check_with_the_header_seen(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    regression: str,
    check: str,
    says: str,
) -> None:
    verdict = cookie_verdicts(pytester, monkeypatch, regression)[check]
    assert verdict["verdict"] == FAIL, verdict
    assert says in verdict["reason"] and "Set-Cookie: refresh_token=" in verdict["reason"]
    if check.startswith("logout"):
        assert "(a cookie jar still holds it after Set-Cookie: refresh_token=" in verdict["reason"]
