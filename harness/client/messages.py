"""What the login page and the banner say, and how to read an API error code."""

from __future__ import annotations

import httpx

BANNER_CONNECTION = "Connection problem, retrying."
LOGGED_OUT_REASON = "logout"

_MESSAGES = {
    "session_idle": "You were signed out after a period of inactivity.",
    "refresh_expired": "Your session has expired. Please sign in again.",
    "session_expired": "Your session has expired. Please sign in again.",
    "refresh_reused": "Your session was ended for your security. Please sign in again.",
    "session_revoked": "Your session was ended for your security. Please sign in again.",
}
_DEFAULT_MESSAGE = "Please sign in again."

# A 401 with one of these on an API call means "refresh once, then retry once".
RETRYABLE_401 = frozenset({"token_expired", "token_invalid", "token_missing"})


def login_message(reason: str) -> str:
    """The message the login page shows after a redirect caused by `reason`."""
    return _MESSAGES.get(reason, _DEFAULT_MESSAGE)


def error_code(response: httpx.Response) -> str:
    """The stable `error` code of an API error response ("http_<status>" if there is none)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    code = body.get("error") if isinstance(body, dict) else None
    if isinstance(code, str):
        return code
    return f"http_{response.status_code}"
