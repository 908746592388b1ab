"""Responses that carry tokens must not be stored by browsers or proxies."""

from __future__ import annotations

from typing import Literal

import pytest

from harness.checks import CheckFailed
from harness.conformance.plugin import SessionFactory
from harness.conformance.replies import expect_ok
from harness.report.verdicts import Verdict


def directives(cache_control: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in cache_control.split(","):
        name, _, value = part.strip().partition("=")
        if name:
            found[name.lower()] = value.strip('"')
    return found


def shared_cacheable(found: dict[str, str]) -> bool:
    """Explicitly storable by a shared cache (a proxy): `public`, or a positive max-age."""
    if "no-store" in found or "private" in found:
        return False
    ages = (found.get(name, "0") for name in ("max-age", "s-maxage"))
    return "public" in found or any(age.isdigit() and int(age) > 0 for age in ages)


@pytest.mark.parametrize("purpose", ["login", "refresh"])
@pytest.mark.reference("RFC 6749 §5.1", "OWASP ASVS 5.0 V14.3.2")
async def test_token_response_is_not_stored(
    sessions: SessionFactory, verdict: Verdict, purpose: Literal["login", "refresh"]
) -> None:
    session = sessions()
    reply = await session.sign_in()
    if purpose == "refresh":
        reply = await session.refresh()
        expect_ok(session.profile, reply, "refresh", "the refresh was refused")
    header = reply.headers.get("cache-control", "")
    found = directives(header)
    shown = f"Cache-Control: {header}" if header else "no Cache-Control"
    if shared_cacheable(found):
        raise CheckFailed(f"the {purpose} response carries tokens and may be cached: {shown}")
    if "no-store" in found:
        verdict.observe(shown)
    else:
        verdict.warn(f"{shown} on the {purpose} response (RFC 6749 §5.1 asks for no-store)")
