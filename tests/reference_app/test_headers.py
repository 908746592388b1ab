"""Request header limits (431 in JSON) and the security headers on every answer."""

from __future__ import annotations

import pytest

from reference_app.middleware import CONTENT_SECURITY_POLICY, MAX_HEADER_BYTES
from tests.reference_app.conftest import Api, error_of


@pytest.mark.parametrize("size", [MAX_HEADER_BYTES, 1_000_000])
async def test_headers_over_the_limit_are_headers_too_large(api: Api, size: int) -> None:
    response = await api.get("/api/chat/history", access="a" * size)
    assert (response.status_code, error_of(response)) == (431, "headers_too_large")
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_headers_under_the_limit_reach_the_app(api: Api) -> None:
    response = await api.get("/api/chat/history", access="a" * (MAX_HEADER_BYTES - 1024))
    assert (response.status_code, error_of(response)) == (401, "token_invalid")


@pytest.mark.parametrize("path", ["/api/auth/config", "/api/nosuch", "/styles.css"])
async def test_every_answer_forbids_sniffing_and_referrers(api: Api, path: str) -> None:
    response = await api.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "content-security-policy" not in response.headers  # not a page
    assert "x-frame-options" not in response.headers


@pytest.mark.parametrize("path", ["/", "/login"])
async def test_html_pages_carry_a_csp_and_refuse_framing(api: Api, path: str) -> None:
    response = await api.get(path)
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


async def test_the_pages_have_no_inline_script_or_style_the_csp_would_block(api: Api) -> None:
    for path in ("/", "/login"):
        page = (await api.get(path)).text
        assert "<style" not in page and "style=" not in page
        scripts = page.count("<script")
        assert scripts == page.count('<script type="module" src="/'), path
