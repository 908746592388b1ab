"""Forged access tokens: each differs from the genuine one only where it must."""

from __future__ import annotations

import base64
import json
import sys

import jwt
import pytest

from harness.conformance.forgery import NotForgeable, alg_none, forge, is_jwt, other_key, tampered

KEY = "k" * 64
CLAIMS = {"sub": "alice", "exp": 2_000_000_000, "typ": "access"}
GENUINE = jwt.encode(CLAIMS, KEY, algorithm="HS256", headers={"kid": "one"})


def header_of(token: str) -> dict[str, object]:
    return dict(jwt.get_unverified_header(token))


def test_tampered_jwt_keeps_header_and_claims_and_fails_verification() -> None:
    forged = tampered(GENUINE)
    assert forged.split(".")[:2] == GENUINE.split(".")[:2]
    assert forged != GENUINE
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, KEY, algorithms=["HS256"])


def test_tampered_opaque_token_changes_one_character_of_the_same_kind() -> None:
    forged = tampered("abc123XYZ")
    assert len(forged) == 9 and sum(a != b for a, b in zip(forged, "abc123XYZ", strict=True)) == 1
    assert forged[4].isdigit()


def test_alg_none_has_the_same_claims_and_no_signature() -> None:
    forged = alg_none(GENUINE)
    assert forged.endswith(".")
    assert header_of(forged) == {"alg": "none", "typ": "JWT", "kid": "one"}
    assert jwt.decode(forged, options={"verify_signature": False}) == CLAIMS


def test_other_key_signs_the_same_claims_with_the_same_algorithm() -> None:
    forged = other_key(GENUINE)
    assert header_of(forged)["alg"] == "HS256" and header_of(forged)["kid"] == "one"
    assert jwt.decode(forged, options={"verify_signature": False}) == CLAIMS
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, KEY, algorithms=["HS256"])


@pytest.mark.parametrize("kind", ["alg_none", "other_key"])
def test_opaque_token_cannot_be_forged_as_a_jwt(kind: str) -> None:
    assert not is_jwt("opaque-token-value")
    with pytest.raises(NotForgeable, match="opaque"):
        forge("opaque-token-value", kind)  # type: ignore[arg-type]


def _rs256_shaped() -> str:
    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    return f"{header}.{b64(json.dumps(CLAIMS).encode())}.{b64(b'signature')}"


def test_rs256_without_cryptography_is_not_forgeable(monkeypatch: pytest.MonkeyPatch) -> None:
    # An environment without the package: its import fails.
    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives.asymmetric", None)
    with pytest.raises(NotForgeable, match="cryptography package"):
        other_key(_rs256_shaped())


def test_rs256_is_signed_with_a_fresh_rsa_key() -> None:
    assert header_of(other_key(_rs256_shaped()))["alg"] == "RS256"
