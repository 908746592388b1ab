"""A target profile applied: the requests it describes and what its responses mean.

Pure functions over plain data (no HTTP library): the asyncio client, the Locust users and
the conformance checks all build their requests and read their answers here.
"""

from __future__ import annotations

import functools
import json as jsonlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Literal, get_args

import jwt

from harness._realtime import real
from harness.target import templates
from harness.target.locations import Location, Reply
from harness.target.model import Reason, Request, TargetProfile, TokenFields

Purpose = Literal[
    "login", "refresh", "logout", "logout_all", "probe", "action", "stream", "config", "api"
]  # fmt: skip
REASONS: frozenset[str] = frozenset(get_args(Reason))
_SAME_SECOND = 1.0  # JWT times are whole seconds; an announced time may keep its fraction


@dataclass(frozen=True)
class Outgoing:
    """A request ready to send: `path` is relative to the target's base URL."""

    purpose: Purpose
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None
    form: dict[str, str] | None = None


@dataclass(frozen=True)
class Grant:
    """What a token response gave. Times are the server's; None where the app does not say."""

    access_token: str
    refresh_token: str | None  # None: not in this response (a cookie, or not rotated)
    access_expires_at: datetime | None
    session_expires_at: datetime | None
    server_time: datetime | None
    idle_expires_at: datetime | None = None


@dataclass(frozen=True)
class Announcement:
    """The deadlines an answer tells the client (the probe's); None where it does not say."""

    access_expires_at: datetime | None
    idle_expires_at: datetime | None
    session_expires_at: datetime | None


class ContractError(ValueError):
    """A response that does not match the profile (e.g. no access token where it should be)."""


def build(
    profile: TargetProfile,
    spec: Request,
    purpose: Purpose,
    *,
    cookies: Mapping[str, str] | None = None,
    access_token: str | None = None,
    **named: str,
) -> Outgoing:
    """The request `spec` with its templates filled (raises templates.MissingValue)."""
    values = templates.Values(
        named={**named, **({"access_token": access_token} if access_token else {})},
        cookies=cookies or {},
    )
    headers = {**profile.headers, **templates.render(spec.headers, values)}
    if spec.auth and access_token is not None:
        headers.update(templates.render(profile.access.headers, values))
    fields = templates.render(spec.fields, values)
    path = str(templates.render(spec.path, values))
    if spec.encoding == "json":
        return Outgoing(purpose, spec.method, path, headers, json=fields)
    if spec.encoding == "form":
        return Outgoing(purpose, spec.method, path, headers, form=_form(fields))
    return Outgoing(purpose, spec.method, path, headers)


def authed(
    profile: TargetProfile,
    method: str,
    path: str,
    access_token: str | None,
    *,
    json: Any = None,
    cookies: Mapping[str, str] | None = None,
) -> Outgoing:
    """Any API call of the app with the access token, as the profile's [access] says."""
    values = templates.Values({"access_token": access_token or ""}, cookies or {})
    headers = dict(profile.headers)
    if access_token is not None:
        headers.update(templates.render(profile.access.headers, values))
    return Outgoing("api", method, path, headers, json=json)


def _form(fields: Mapping[str, Any]) -> dict[str, str]:
    return {key: "" if value is None else str(value) for key, value in fields.items()}


def read_grant(
    profile: TargetProfile, purpose: Literal["login", "refresh"], reply: Reply, now: datetime
) -> Grant:
    """The tokens and times of a successful login or refresh response.

    `now` is the receiving client's clock: it anchors an `expires_in` when the app sends no
    server time. The access token's expiry comes from the first of: an expiry time field,
    `expires_in`, the JWT's `exp` claim (read without verifying), else it is unknown.
    """
    fields = profile.tokens_for(purpose)
    access = fields.access_token.read_text(reply)
    if access is None:
        raise ContractError(f"{purpose} response has no access token at {fields.access_token}")
    server_time = _time_at(fields.server_time, reply)
    refresh = fields.refresh_token.read_text(reply) if fields.refresh_token else None
    return Grant(
        access_token=access,
        refresh_token=refresh,
        access_expires_at=_access_expiry(fields, reply, access, server_time or real(now), purpose),
        session_expires_at=_time_at(fields.session_expires_at, reply),
        server_time=server_time,
        idle_expires_at=_time_at(fields.idle_expires_at, reply),
    )


def read_announcement(profile: TargetProfile, reply: Reply, access_token: str) -> Announcement:
    """The deadlines a successful probe answer announces, where the profile says it does.

    An announced access expiry must be there and agree with the token's own `exp`: a
    frontend schedules its refresh by it (ContractError otherwise).
    """
    spec = profile.probe
    if spec is None:
        return Announcement(None, None, None)
    expires = _time_at(spec.access_expires_at, reply)
    if spec.access_expires_at is not None:
        _announced_expiry(expires, spec.access_expires_at, access_token, "probe")
    return Announcement(
        access_expires_at=expires,
        idle_expires_at=_time_at(spec.idle_expires_at, reply),
        session_expires_at=_time_at(spec.session_expires_at, reply),
    )


def _announced_expiry(
    announced: datetime | None, location: Location, access: str, purpose: str
) -> None:
    """An access expiry the profile says the app announces: present, and the token's `exp`."""
    if announced is None:
        raise ContractError(f"{purpose} response announces no access token expiry at {location}")
    exp = jwt_expiry(access)
    if exp is not None and abs((announced - exp).total_seconds()) > _SAME_SECOND:
        raise ContractError(
            f"{purpose} response announces the access token expires at {announced.isoformat()}"
            f" ({location}), but the token's exp says {exp.isoformat()}"
        )


def _access_expiry(
    fields: TokenFields, reply: Reply, access: str, anchor: datetime, purpose: str
) -> datetime | None:
    explicit = _time_at(fields.access_expires_at, reply)
    if fields.access_expires_at is not None:
        _announced_expiry(explicit, fields.access_expires_at, access, purpose)
        return explicit
    if fields.expires_in is not None:
        seconds = _number(fields.expires_in.read(reply))
        if seconds is not None:
            return anchor + timedelta(seconds=seconds)
    return jwt_expiry(access)


@functools.lru_cache(maxsize=256)  # a tab presents one token for minutes, request after request
def jwt_expiry(token: str) -> datetime | None:
    """The `exp` claim of a JWT, read without its key; None for an opaque token."""
    claims = jwt_claims(token)
    exp = _number(claims.get("exp")) if claims else None
    if exp is None:
        return None
    try:
        return real(datetime.fromtimestamp(exp, tz=UTC))
    except (OverflowError, OSError, ValueError):
        return None


def jwt_claims(token: str) -> dict[str, Any] | None:
    """The claims of a JWT without verifying anything; None when it is not a JWT."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    return claims if isinstance(claims, dict) else None


def _time_at(location: Location | None, reply: Reply) -> datetime | None:
    return None if location is None else parse_time(location.read(reply))


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 string (with offset), Unix seconds, or an HTTP date, as aware UTC."""
    number = _number(value)
    try:
        if number is not None:
            return real(datetime.fromtimestamp(number, tz=UTC))
        if not isinstance(value, str) or not value:
            return None
        if value[:1].isdigit():
            parsed = datetime.fromisoformat(value)
            return real(parsed) if parsed.tzinfo is not None else None
        return real(parsedate_to_datetime(value))
    except (OverflowError, OSError, ValueError, TypeError):
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def reason_of(profile: TargetProfile, reply: Reply, purpose: Purpose) -> str:
    """Why the app refused a request, in the harness's vocabulary of reasons.

    The app's own code (at [errors].code) is mapped through [errors].reasons; a code that is
    already one of the harness's reasons is kept. Otherwise a rejection of the access token
    reads "token_rejected", of the refresh token "refresh_rejected", of a login
    "invalid_credentials"; any other answer "http_<status>" (or the app's unmapped code).
    """
    code = profile.errors.code.read_text(reply) if profile.errors.code else None
    if code is not None and code in profile.errors.reasons:
        return profile.errors.reasons[code]
    if code is not None and code in REASONS:
        return code
    fallback = _fallback_reason(profile, reply.status, purpose)
    return fallback or code or f"http_{reply.status}"


def message_of(profile: TargetProfile, reply: Reply) -> str | None:
    """The app's words for the user in an error answer ([errors].message), if it has any."""
    location = profile.errors.message
    return None if location is None else location.read_text(reply)


def _fallback_reason(profile: TargetProfile, status: int, purpose: Purpose) -> str | None:
    if status == 429:
        return "rate_limited"
    if purpose == "refresh" and 400 <= status < 500:
        return "refresh_rejected"
    if purpose == "login" and status in (400, 401, 403):
        return "invalid_credentials"
    if purpose != "login" and status in profile.access.rejected_status:
        return "token_rejected"
    return None


def access_rejected(profile: TargetProfile, reply: Reply) -> bool:
    """The app refused the access token (a 401, or what the profile says a refusal is)."""
    return reply.status in profile.access.rejected_status


def sse_chunks(profile: TargetProfile, lines: list[str]) -> list[str]:
    """The text of each chunk of a server-sent-events body, as the [stream] table selects."""
    spec = profile.stream
    wanted = spec.chunk_event if spec is not None else None
    pointer = spec.chunk_text if spec is not None else None
    chunks: list[str] = []
    event = "message"
    for line in lines:
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:") and wanted in (None, event):
            chunks.append(_chunk_text(line[5:].strip(), pointer))
        elif not line:
            event = "message"
    return chunks


def _chunk_text(data: str, pointer: Location | None) -> str:
    if pointer is None:
        return data
    try:
        parsed = jsonlib.loads(data)
    except ValueError:
        return data
    value = pointer.read(Reply(200, json=parsed))
    return "" if value is None else str(value)
