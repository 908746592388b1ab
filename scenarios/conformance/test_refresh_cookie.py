"""Where the refresh cookie goes and how long it lives: its own Set-Cookie attributes.

A refresh token in a cookie is only as safe as the cookie's attributes: scripts must not read
it, it must not travel over plain http or with every request, a browser must not keep it
longer than the server honours it, and a logout must delete the very cookie the sign-in set.
"""

from __future__ import annotations

import pytest

from harness.checks import CheckFailed
from harness.conformance import cookies, needs
from harness.conformance.plugin import SessionFactory
from harness.conformance.replies import expect_ok
from harness.conformance.session import RawSession
from harness.fixtures import not_applicable
from harness.report.verdicts import FAIL, NOT_APPLICABLE, WARN, Verdict
from harness.target import Reply

WSTG = "WSTG-SESS-02"


def cookie_name(session: RawSession) -> str:
    name = session.profile.refresh_cookie()
    if name is None:
        not_applicable("the refresh token does not travel in a cookie (tokens.refresh_token)")
    return name


def shown(session: RawSession, *found: cookies.SetCookie) -> str:
    """The Set-Cookie headers as evidence, the token replaced by its label."""
    header = session.evidence.redactor.header
    return " then ".join(f"Set-Cookie: {header('set-cookie', c.header)}" for c in found)


def read(session: RawSession, headers: tuple[str, ...], path: str) -> list[cookies.SetCookie]:
    """The refresh cookie's Set-Cookie headers; a malformed one fails the check, shown."""
    try:
        return cookies.read(headers, cookie_name(session), path)
    except cookies.MalformedCookie as exc:
        header = session.evidence.redactor.header("set-cookie", exc.header)
        raise CheckFailed(f"a malformed refresh cookie, {exc.why} (Set-Cookie: {header})") from None


async def signed_in_cookie(session: RawSession) -> tuple[cookies.SetCookie, Reply]:
    """Sign in; the refresh cookie the answer set (the last, when it set it twice)."""
    name = cookie_name(session)
    reply = await session.sign_in()
    found = read(session, reply.set_cookie, session.profile.login.path)
    if not found:
        raise CheckFailed(f"the sign-in answer sets no {name} cookie")
    return found[-1], reply


def judged(judgement: cookies.Judgement, verdict: Verdict, evidence: str) -> None:
    """The judgement as the check's verdict, with the headers it was made on."""
    text = f"{judgement.text} ({evidence})"
    if judgement.verdict == FAIL:
        raise CheckFailed(text)
    if judgement.verdict == NOT_APPLICABLE:
        not_applicable(judgement.text)
    if judgement.verdict == WARN:
        verdict.warn(text)
    else:
        verdict.observe(text)


@pytest.mark.reference("OWASP ASVS 5.0 V3.3.4", WSTG, "RFC 6265bis §4.1.2.6")
async def test_refresh_cookie_is_http_only(sessions: SessionFactory, verdict: Verdict) -> None:
    session = sessions()
    cookie, _ = await signed_in_cookie(session)
    judged(cookies.http_only(cookie), verdict, shown(session, cookie))


@pytest.mark.reference("OWASP ASVS 5.0 V3.3.1", WSTG, "RFC 6265bis §4.1.2.5")
async def test_refresh_cookie_is_secure_on_https(
    sessions: SessionFactory, verdict: Verdict
) -> None:
    session = sessions()
    cookie, _ = await signed_in_cookie(session)
    scheme = session.target.base_url.partition("://")[0]
    judged(cookies.secure(cookie, scheme), verdict, shown(session, cookie))


@pytest.mark.reference("OWASP ASVS 5.0 V3.3.2", WSTG, "RFC 6265bis §4.1.2.7")
async def test_refresh_cookie_has_same_site(sessions: SessionFactory, verdict: Verdict) -> None:
    session = sessions()
    cookie, _ = await signed_in_cookie(session)
    judged(cookies.same_site(cookie), verdict, shown(session, cookie))


@pytest.mark.reference(WSTG, "RFC 6265bis §4.1.2.4, §5.1.4")
async def test_refresh_cookie_is_scoped_to_the_refresh_path(
    sessions: SessionFactory, verdict: Verdict
) -> None:
    session = sessions()
    profile = session.profile
    cookie, _ = await signed_in_cookie(session)
    requests = {"action": profile.action, "stream": profile.stream}
    ordinary = {f"[{k}] {r.path}": r.path for k, r in requests.items() if r is not None}
    judgement = cookies.scope(cookie, profile.refresh.path, ordinary)
    if judgement.verdict != FAIL:
        # Only a refresh the cookie went with is served: the proof that the browser sends it.
        reply = await session.refresh(label="a refresh with the cookie the sign-in set")
        expect_ok(profile, reply, "refresh", "the refresh with the sign-in's cookie was refused")
    judged(judgement, verdict, shown(session, cookie))


@pytest.mark.reference("OWASP ASVS 5.0 V3.3", WSTG, "RFC 6265bis §4.1.2.1, §4.1.2.2")
async def test_refresh_cookie_lives_no_longer_than_the_refresh_ttl(
    sessions: SessionFactory, verdict: Verdict
) -> None:
    session = sessions()
    cookie_name(session)
    ttl = needs.promised(await session.promise(), "refresh_ttl_seconds", "a refresh TTL")
    cookie, reply = await signed_in_cookie(session)
    now = cookies.sent_at(reply.headers, session.now())
    try:
        judgement = cookies.lifetime(cookie, ttl, now, needs.margin(ttl))
    except cookies.MalformedCookie as exc:
        judgement = cookies.Judgement(FAIL, f"a malformed refresh cookie, {exc.why}")
    judged(judgement, verdict, shown(session, cookie))


@pytest.mark.reference("OWASP ASVS 5.0 V7.4.1", "WSTG-SESS-06", "RFC 6265 §5.3")
async def test_logout_clears_the_refresh_cookie_the_sign_in_set(
    sessions: SessionFactory, verdict: Verdict
) -> None:
    session = sessions()
    profile = session.profile
    needs.request(profile, "logout")
    cookie, _ = await signed_in_cookie(session)
    reply = await session.logout()
    expect_ok(profile, reply, "logout", "the logout was refused")
    assert profile.logout is not None
    by_logout = read(session, reply.set_cookie, profile.logout.path)
    now = cookies.sent_at(reply.headers, session.now())
    try:
        judgement = cookies.cleared(cookie, by_logout, now)
    except cookies.MalformedCookie as exc:
        judgement = cookies.Judgement(FAIL, f"a malformed clearing cookie, {exc.why}")
    # The harness's own jar (http.cookiejar) keys cookies as a browser does: a second opinion.
    kept = "still holds" if session.current_refresh_token() else "no longer holds"
    evidence = f"a cookie jar {kept} it after {shown(session, cookie, *by_logout)}"
    judged(judgement, verdict, evidence)
