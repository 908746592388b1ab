"""What a client knows from the server: its session settings and the access tokens it got."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from harness.clock import real


def _time(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"token response field {field!r} is not an ISO 8601 string: {value!r}")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"token response field {field!r} has no UTC offset: {value!r}")
    return real(parsed)


@dataclass(frozen=True)
class ServerConfig:
    """The subset of GET /api/auth/config a client acts on."""

    refresh_threshold_seconds: float
    idle_timeout_seconds: float
    warning_lead_seconds: float
    regressions: tuple[str, ...]

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> ServerConfig:
        return cls(
            refresh_threshold_seconds=float(body["refresh_threshold_seconds"]),
            idle_timeout_seconds=float(body["idle_timeout_seconds"]),
            warning_lead_seconds=float(body["warning_lead_seconds"]),
            regressions=tuple(body.get("regressions", ())),
        )


@dataclass(frozen=True)
class AccessToken:
    """An access token with its deadlines converted to the client's own (local) clock."""

    value: str
    access_expires_at: datetime  # server time, as issued
    session_expires_at: datetime  # server time: the session's absolute end
    local_expires_at: datetime
    local_session_expires_at: datetime
    skew: timedelta  # server clock minus client clock at receipt

    @classmethod
    def from_response(cls, body: dict[str, Any], local_now: datetime) -> AccessToken:
        """Read a token response; `skew = server_time - local_now` (docs/refresh-algorithm.md)."""
        value = body.get("access_token")
        if not isinstance(value, str) or not value:
            raise ValueError("token response without an access_token")
        skew = _time(body.get("server_time"), "server_time") - local_now
        expires = _time(body.get("access_expires_at"), "access_expires_at")
        session_end = _time(body.get("session_expires_at"), "session_expires_at")
        return cls(value, expires, session_end, expires - skew, session_end - skew, skew)

    def seconds_left(self, local_now: datetime) -> float:
        return (self.local_expires_at - local_now).total_seconds()
