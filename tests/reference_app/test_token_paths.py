"""The story's worst bug was a second token-issuing path with another TTL: keep it impossible."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import jwt
from freezegun.api import FrozenDateTimeFactory

import reference_app
from tests.reference_app.conftest import Api

APP_DIR = Path(reference_app.__file__).parent
QUARANTINE = APP_DIR / "regressions.py"  # deliberate bugs live only here


def _signer(node: ast.expr) -> bool:
    """`jwt.encode(...)`, or the encode of a JWS object (`self._jws.encode(...)`)."""
    if isinstance(node, ast.Name):
        return node.id == "jwt"
    return isinstance(node, ast.Attribute) and node.attr.lstrip("_") == "jws"


def _jwt_encode_sites() -> list[str]:
    sites = []
    for path in sorted(APP_DIR.rglob("*.py")):
        if path == QUARANTINE:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            func = node.func if isinstance(node, ast.Call) else None
            if isinstance(func, ast.Attribute) and func.attr == "encode" and _signer(func.value):
                sites.append(f"{path.relative_to(APP_DIR)}:{node.lineno}")
    return sites


def test_exactly_one_jwt_encode_call_site_outside_regressions() -> None:
    sites = _jwt_encode_sites()
    assert len(sites) == 1 and sites[0].startswith("tokens.py:"), sites


def _lifetime(token: str) -> int:
    claims = jwt.decode(token, options={"verify_signature": False})
    return int(claims["exp"]) - int(claims["iat"])


async def test_login_and_refresh_tokens_have_identical_ttl(
    api: Api, frozen: FrozenDateTimeFactory
) -> None:
    body, cookie = await api.login()
    refreshed = (await api.refresh(cookie)).json()
    assert _lifetime(body["access_token"]) == _lifetime(refreshed["access_token"]) == 1800


async def test_legacy_access_ttl_regression_breaks_the_ttl_invariant(
    make_api: Callable[..., Api], frozen: FrozenDateTimeFactory
) -> None:
    api = make_api(regressions="legacy_access_ttl")
    body, cookie = await api.login()
    refreshed = (await api.refresh(cookie)).json()
    assert _lifetime(body["access_token"]) == 7 * 86400
    assert _lifetime(refreshed["access_token"]) == 1800


async def test_access_token_claims_follow_the_contract(api: Api) -> None:
    body, _ = await api.login()
    header = jwt.get_unverified_header(body["access_token"])
    claims = jwt.decode(
        body["access_token"], "s" * 40, algorithms=["HS256"], options={"verify_exp": False}
    )
    assert header["alg"] == "HS256"
    assert set(claims) == {"sub", "sid", "iat", "exp", "jti", "typ"}
    assert (claims["sub"], claims["typ"]) == ("alice@example.com", "access")
