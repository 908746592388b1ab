"""Signing JWTs with an app's shared key (harness/target/jws.py)."""

from __future__ import annotations

import jwt
import pytest

from harness import NotApplicable
from harness.target import load_profile
from harness.target.jws import decoded, sign, signing_header

KEY = "a shared key of the app, long enough for every HMAC"


def test_a_signed_token_verifies_with_pyjwt_and_keeps_values_pyjwt_would_not_make() -> None:
    claims = {"user_id": [7], "iat": 1.5, "exp": 253402300800, "typ": "id"}
    token = sign({"alg": "HS384", "typ": "JWT"}, claims, KEY)
    options = {"verify_exp": False, "verify_iat": False}
    assert jwt.decode(token, KEY, algorithms=["HS384"], options=options) == claims
    assert decoded(token) == ({"alg": "HS384", "typ": "JWT"}, claims)


@pytest.mark.parametrize("token", ["", "a.b", "not.json.here", "e30.W10.x"])
def test_what_is_not_a_jws_of_json_objects_decodes_to_none(token: str) -> None:
    assert decoded(token) is None


def test_the_signing_header_is_the_issued_one_with_the_profiles_algorithm() -> None:
    profile = load_profile("reference-app")
    assert signing_header(profile, {"alg": "HS256", "kid": "1"}) == {"alg": "HS256", "kid": "1"}
    chosen = profile.model_copy(
        update={"access": profile.access.model_copy(update={"signing_algorithm": "HS512"})}
    )
    assert signing_header(chosen, {"alg": "HS256"})["alg"] == "HS512"


def test_tokens_signed_with_a_key_pair_are_not_applicable_without_a_shared_algorithm() -> None:
    with pytest.raises(NotApplicable, match="signs its tokens with RS256"):
        signing_header(load_profile("reference-app"), {"alg": "RS256"})
