"""A refresh that rides on a cookie needs its anti-CSRF header: a cross-site page cannot send it."""

from __future__ import annotations

import pytest

from harness.checks import CheckFailed
from harness.conformance.guards import cookie_carried, csrf_headers, reads_cookie
from harness.conformance.plugin import SessionFactory
from harness.conformance.replies import expect_ok, ok, told
from harness.fixtures import not_applicable
from harness.report.verdicts import Verdict

FOREIGN_ORIGIN = "https://attacker.example"
FORGED_VALUE = "forged-by-another-site"


@pytest.mark.reference("OWASP ASVS 5.0 V3.5.1", "WSTG-SESS-05")
async def test_cookie_refresh_without_its_csrf_header_is_refused(
    sessions: SessionFactory, verdict: Verdict
) -> None:
    session = sessions()
    profile = session.profile
    if not cookie_carried(profile):
        not_applicable("the refresh token does not travel in a cookie")
    guards = csrf_headers(profile)
    await session.sign_in()
    if not guards:
        reply = await session.refresh(
            headers={"Origin": FOREIGN_ORIGIN}, label="a refresh sent from another site"
        )
        if ok(reply):
            verdict.warn("no CSRF header in the profile and a cross-origin refresh was served")
        else:
            verdict.observe(f"a cross-origin refresh: {told(profile, reply, 'refresh')}")
        return
    control = await session.refresh(label="refresh with its CSRF header (control)")
    expect_ok(profile, control, "refresh", "the refresh with its CSRF header was refused")
    held, names = session.held(), ", ".join(guards)
    bare = await session.refresh(
        held, headers=dict.fromkeys(guards), label=f"a cross-site refresh: no {names}"
    )
    if ok(bare):
        raise CheckFailed(f"a cookie-carried refresh without {names} was served")
    verdict.observe(f"without {names}: {told(profile, bare, 'refresh')}")
    for name in (name for name, template in guards.items() if reads_cookie(template)):
        wrong = await session.refresh(
            held, headers={name: FORGED_VALUE}, label=f"a cross-site refresh: a forged {name}"
        )
        if ok(wrong):
            raise CheckFailed(f"a refresh whose {name} does not match its cookie was served")
        verdict.observe(f"forged {name}: {told(profile, wrong, 'refresh')}")
    after = await session.refresh(held, label="the genuine refresh, after the cross-site attempts")
    if not ok(after):
        verdict.warn(
            f"after refused cross-site attempts the genuine refresh was refused "
            f"({told(profile, after, 'refresh')}): another site can sign the user out"
        )
