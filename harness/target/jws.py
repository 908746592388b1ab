"""JWTs signed with an app's own shared key: tokens the app never issued, made for its tests.

The harness signs them itself (not with a JWT library), so a claim can take any JSON value a
test needs: a number where a string belongs, a float time, a year beyond 9999.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from harness.applicability import NotApplicable
from harness.target.model import SIGNING_ALGORITHMS, TargetProfile

_DIGESTS = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _json_part(part: str) -> dict[str, Any] | None:
    try:
        value = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def decoded(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """A JWS's header and claims, verifying nothing; None when it is not a JWS of JSON."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    header, claims = _json_part(parts[0]), _json_part(parts[1])
    return None if header is None or claims is None else (header, claims)


def sign(header: Mapping[str, Any], claims: Mapping[str, Any], key: str) -> str:
    """A compact JWS of `claims` under `header`, signed with `key` by the header's `alg`."""
    digest = _DIGESTS[str(header["alg"])]
    encoded = [_b64(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)]
    signing_input = ".".join(encoded).encode()
    signature = hmac.digest(key.encode(), signing_input, digest)
    return f"{signing_input.decode()}.{_b64(signature)}"


def signing_header(profile: TargetProfile, issued: Mapping[str, Any]) -> dict[str, Any]:
    """The header the harness signs with: the issued token's, with the profile's algorithm
    ([access] signing_algorithm) or else the token's own; not applicable for a key pair."""
    algorithm = profile.access.signing_algorithm or str(issued.get("alg"))
    if algorithm not in SIGNING_ALGORITHMS:
        known = ", ".join(SIGNING_ALGORITHMS)
        raise NotApplicable(
            f"the app signs its tokens with {algorithm}; the harness signs with a shared key "
            f"({known}): set [access] signing_algorithm"
        )
    return {**issued, "alg": algorithm}
