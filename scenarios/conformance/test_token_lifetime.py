"""The access token lives as long as promised, whichever path issued it (the story's bug)."""

from __future__ import annotations

import pytest

from harness.checks import CheckFailed
from harness.conformance.lifetimes import Lifetime, access_lifetime, same
from harness.conformance.plugin import SessionFactory
from harness.conformance.replies import expect_ok, ok, told
from harness.fixtures import not_applicable
from harness.report.verdicts import Verdict


@pytest.mark.reference("Story 3.2 issues #1 and #2", "OWASP ASVS 5.0 V7.1.1")
async def test_access_ttl_is_the_same_on_every_issuing_path(
    sessions: SessionFactory, verdict: Verdict
) -> None:
    session = sessions()
    profile = session.profile
    promise = await session.promise()
    login = await session.sign_in()
    assert session.grant is not None
    paths: dict[str, Lifetime | None] = {
        "login": access_lifetime(profile, "login", login, session.grant)
    }
    before = session.held()
    refreshed = await session.refresh()
    expect_ok(profile, refreshed, "refresh", "the first refresh was refused")
    paths["refresh"] = access_lifetime(profile, "refresh", refreshed, session.grant)
    if session.current_refresh_token() != before.refresh_token:
        # A grace window re-issues for the previous token: often a path of its own.
        again = await session.refresh(before, label="the previous refresh token again, at once")
        if ok(again):
            paths["grace re-issue"] = access_lifetime(profile, "refresh", again, session.grant)
        else:
            verdict.observe(f"no grace re-issue ({told(profile, again, 'refresh')})")
    known = {path: life for path, life in paths.items() if life is not None}
    if not known:
        not_applicable("cannot tell the access token's lifetime (no exp, expires_in or expiry)")
    seen = ", ".join(f"{path}: {life}" for path, life in known.items())
    first = next(iter(known.values())).seconds
    if any(not same(life.seconds, first) for life in known.values()):
        raise CheckFailed(f"access tokens live for different times depending on the path: {seen}")
    promised = promise.access_ttl_seconds
    if promised is not None and not same(first, promised):
        raise CheckFailed(f"access tokens live {first:,.0f} s, promised {promised:,.0f} s: {seen}")
    verdict.observe(seen + ("" if promised is not None else " (no access TTL promised)"))
