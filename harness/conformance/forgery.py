"""Access tokens an app must refuse, made from a genuine one (PyJWT for JWTs).

Each forgery returns the forged token, or raises `NotForgeable` saying why it does not apply
to this token (an opaque token has no header to set `alg: none` in).
"""

from __future__ import annotations

import base64
import json
import secrets
import string
from typing import Any, Literal, get_args

import jwt

Forgery = Literal["tampered", "alg_none", "other_key"]
FORGERIES: tuple[Forgery, ...] = get_args(Forgery)
# HMAC keys of 64 bytes: long enough for HS512, so PyJWT never warns about a short key.
_HMAC_KEY_BYTES = 64


class NotForgeable(ValueError):
    """This forgery does not apply to this token; `str()` says why."""


def is_jwt(token: str) -> bool:
    return _parts(token) is not None


def forge(token: str, forgery: Forgery) -> str:
    if forgery == "tampered":
        return tampered(token)
    if forgery == "alg_none":
        return alg_none(token)
    return other_key(token)


def tampered(token: str) -> str:
    """The token with its signature (or, for an opaque token, one character) changed."""
    parts = _parts(token)
    if parts is None:
        return _flip_char(token, len(token) // 2)
    header, payload, signature = parts
    raw = bytearray(_unb64(signature)) or bytearray(b"\x00")
    raw[0] ^= 0x01
    return f"{header}.{payload}.{_b64(bytes(raw))}"


def alg_none(token: str) -> str:
    """The same claims under `{"alg": "none"}` with an empty signature (RFC 7519 §6.1)."""
    header, payload = _decoded(token)
    header["alg"] = "none"
    return f"{_b64(_json(header))}.{_b64(_json(payload))}."


def other_key(token: str) -> str:
    """The same claims and algorithm, signed with a key the app has never seen."""
    header, payload = _decoded(token)
    algorithm = str(header.get("alg", ""))
    extra = {k: v for k, v in header.items() if k not in ("alg", "typ")}
    key = _fresh_key(algorithm)
    return jwt.encode(payload, key, algorithm=algorithm, headers=extra or None)


def _fresh_key(algorithm: str) -> Any:
    if algorithm.startswith("HS"):
        return secrets.token_bytes(_HMAC_KEY_BYTES)
    try:
        from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    except ImportError:
        raise NotForgeable(
            f"signing {algorithm} with another key needs the cryptography package"
        ) from None
    if algorithm.startswith(("RS", "PS")):
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    curves = {"ES256": ec.SECP256R1(), "ES384": ec.SECP384R1(), "ES512": ec.SECP521R1()}
    if algorithm in curves:
        return ec.generate_private_key(curves[algorithm])
    if algorithm == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    raise NotForgeable(f"unknown JWT algorithm {algorithm!r}")


def _decoded(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    parts = _parts(token)
    if parts is None:
        raise NotForgeable("the access token is opaque (not a JWT)")
    header, payload, _ = parts
    return json.loads(_unb64(header)), json.loads(_unb64(payload))


def _parts(token: str) -> tuple[str, str, str] | None:
    pieces = token.split(".")
    if len(pieces) != 3:
        return None
    try:
        header, payload = (json.loads(_unb64(piece)) for piece in pieces[:2])
    except ValueError:
        return None
    if not isinstance(header, dict) or not isinstance(payload, dict) or "alg" not in header:
        return None
    return pieces[0], pieces[1], pieces[2]


def _flip_char(text: str, index: int) -> str:
    """Another character of the same kind at `index` (a digit for a digit, a letter for one)."""
    if not text:
        return "x"
    char = text[index]
    pool = string.digits if char.isdigit() else string.ascii_letters if char.isalpha() else "A"
    replacement = next(c for c in pool if c != char)
    return text[:index] + replacement + text[index + 1 :]


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not base64url: {exc}") from None
