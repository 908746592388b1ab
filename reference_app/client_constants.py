"""The client refresh algorithm's constants, served to both clients by `GET /api/auth/config`.

Defined here only: the browser frontend and the Python client read them from the server, so
the two implementations cannot drift apart (docs/refresh-algorithm.md describes their use).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

_SECURITY_END = "Your session was ended for your security. Please sign in again."
_EXPIRED = "Your session has expired. Please sign in again."


def _messages() -> dict[str, str]:
    return {
        "session_idle": "You were signed out after a period of inactivity.",
        "refresh_expired": _EXPIRED,
        "session_expired": _EXPIRED,
        "refresh_reused": _SECURITY_END,
        "session_revoked": _SECURITY_END,
        "logout": "You have signed out.",
    }


class ClientConstants(BaseModel):
    """Timing, retry rules and texts of the client algorithm (not settings: fixed per release)."""

    model_config = ConfigDict(frozen=True)

    tick_seconds: int = 30  # each tab's timer: proactive refresh, heartbeat
    retry_delays_seconds: tuple[int, ...] = (1, 2, 4)  # refresh backoff on network errors, 5xx
    heartbeat_max_seconds: int = 60  # at most this long between heartbeats of an active user
    lock_timeout_seconds: int = 10  # a refresh lock held longer is stolen (frozen tab)
    # A 401 with one of these on an API call: refresh once, retry once.
    retryable_errors: tuple[str, ...] = ("token_expired", "token_invalid", "token_missing")
    # The login page's text for the reason it was sent there.
    messages: dict[str, str] = Field(default_factory=_messages)
    default_message: str = "Please sign in again."
    banner_connection: str = "Connection problem, retrying."


CLIENT_CONSTANTS = ClientConstants()
