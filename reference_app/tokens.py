"""The only place tokens are made: access JWTs and rotating refresh tokens.

A refresh token is `<sid>.<generation>.<secret>`. Generation 0's secret is random; each child's
secret is HMAC(key, sid|generation|parent secret). The server stores only SHA-256 hashes, yet
it can recompute a child from its presented parent (grace window: the *same* child again) and
recognise any older token of a family by deriving forward to the current hash.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from jwt.algorithms import HMACAlgorithm
from jwt.api_jws import PyJWS

from reference_app.errors import ApiError

ALGORITHM = "HS256"
_REFRESH_FORMAT = re.compile(r"([0-9a-f]{32})\.(\d{1,9})\.([A-Za-z0-9_-]{43})")
_REQUIRED_CLAIMS = ["sub", "sid", "iat", "exp", "jti", "typ"]
VERIFIED_CACHE_SIZE = 4096  # access tokens whose signature was checked, most recent first
# How far `iat`/`nbf` may lie ahead of the app clock (app processes sharing a key may disagree).
ISSUED_AT_LEEWAY = timedelta(seconds=60)
# JWT times beyond datetime's range cannot be compared with the clock: such a token is invalid.
_LATEST_TIMESTAMP = int(datetime(9999, 12, 30, tzinfo=UTC).timestamp())


@dataclass(frozen=True)
class AccessToken:
    token: str
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class AccessClaims:
    user: str
    sid: str
    expires_at: datetime


@dataclass(frozen=True)
class _Verified:
    """What a signature-checked access token says; its times are in datetime's range."""

    user: str
    sid: str
    issued_at: datetime
    not_before: datetime | None
    expires_at: datetime


def _invalid() -> ApiError:
    return ApiError(401, "token_invalid", "the access token is not valid")


def _time_claim(value: object) -> datetime:
    """A NumericDate claim as we issue them: a whole number of seconds after 1970."""
    if type(value) is not int or not 0 <= value <= _LATEST_TIMESTAMP:
        raise _invalid()
    return datetime.fromtimestamp(value, UTC)


@dataclass(frozen=True)
class RefreshToken:
    sid: str
    generation: int
    secret: str

    def __str__(self) -> str:
        return f"{self.sid}.{self.generation}.{self.secret}"

    @property
    def hash(self) -> str:
        return token_hash(str(self))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_refresh_token(value: str) -> RefreshToken | None:
    match = _REFRESH_FORMAT.fullmatch(value)
    if match is None:
        return None
    return RefreshToken(match[1], int(match[2]), match[3])


class _PreparedHMAC(HMACAlgorithm):
    """HS256 whose key is prepared (checked, encoded) once per issuer, not per signature."""

    def __init__(self) -> None:
        super().__init__(HMACAlgorithm.SHA256)
        self._prepared: tuple[str | bytes, bytes] | None = None

    def prepare_key(self, key: str | bytes) -> bytes:
        if self._prepared is None or self._prepared[0] is not key:
            self._prepared = (key, super().prepare_key(key))
        return self._prepared[1]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class TokenIssuer:
    """Issues and verifies tokens with one key and one access TTL."""

    def __init__(self, secret: str, access_ttl_seconds: int) -> None:
        self._secret = secret
        self._derivation_key = hmac.digest(secret.encode(), b"refresh-token-derivation", "sha256")
        self.access_ttl = timedelta(seconds=access_ttl_seconds)
        # A tab sends one access token with every request for ~25 minutes: its signature is
        # checked once, not each time (PyJWT's decode is most of an authenticated request).
        # Expiry is never cached: it is compared with the app clock on every call.
        self._verified = functools.lru_cache(maxsize=VERIFIED_CACHE_SIZE)(self._verify_signature)
        # Every refresh signs a token: PyJWT's JWS layer with the key prepared once (jwt.encode
        # checks the key's format again on each call, a third of a signature's cost).
        self._jws = PyJWS(algorithms=[])
        self._jws.register_algorithm(ALGORITHM, _PreparedHMAC())

    @property
    def secret(self) -> str:
        return self._secret

    def issue_access(self, *, user: str, sid: str, now: datetime) -> AccessToken:
        """The single function that issues access tokens."""
        issued = now.replace(microsecond=0)  # JWT times are whole seconds
        expires = issued + self.access_ttl
        claims = {
            "sub": user,
            "sid": sid,
            "iat": int(issued.timestamp()),
            "exp": int(expires.timestamp()),
            "jti": uuid.uuid4().hex,
            "typ": "access",
        }
        payload = json.dumps(claims, separators=(",", ":")).encode()
        return AccessToken(self._jws.encode(payload, self._secret, ALGORITHM), issued, expires)

    def verify_access(self, token: str, now: datetime) -> AccessClaims:
        """Signature, shape and times against the app's clock (not the process clock)."""
        verified = self._verified(token)
        latest_issue = now + ISSUED_AT_LEEWAY
        if verified.issued_at > latest_issue:
            raise _invalid()
        if verified.not_before is not None and verified.not_before > latest_issue:
            raise _invalid()
        if now >= verified.expires_at:
            raise ApiError(401, "token_expired", "the access token has expired")
        return AccessClaims(user=verified.user, sid=verified.sid, expires_at=verified.expires_at)

    def _verify_signature(self, token: str) -> _Verified:
        """A well-formed access token signed with our key; 401 `token_invalid` otherwise."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                # PyJWT would judge the times by the process clock: verify_access uses the app's.
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "require": _REQUIRED_CLAIMS,
                },
            )
        except jwt.PyJWTError:
            raise _invalid() from None
        user, sid = claims["sub"], claims["sid"]
        if claims["typ"] != "access" or not isinstance(user, str) or not isinstance(sid, str):
            raise _invalid()
        issued, expires = _time_claim(claims["iat"]), _time_claim(claims["exp"])
        not_before = _time_claim(claims["nbf"]) if "nbf" in claims else None
        if expires <= issued:
            raise _invalid()
        return _Verified(user, sid, issued, not_before, expires)

    def new_refresh_token(self) -> RefreshToken:
        """The root of a new family (generation 0)."""
        return RefreshToken(uuid.uuid4().hex, 0, _b64(secrets.token_bytes(32)))

    def child_of(self, parent: RefreshToken) -> RefreshToken:
        """The one function that issues rotated refresh tokens (deterministic)."""
        generation = parent.generation + 1
        message = f"{parent.sid}|{generation}|{parent.secret}".encode()
        return RefreshToken(
            parent.sid, generation, _b64(hmac.digest(self._derivation_key, message, "sha256"))
        )

    def descendant(self, token: RefreshToken, generation: int) -> RefreshToken:
        while token.generation < generation:
            token = self.child_of(token)
        return token
