"""The client algorithm's defaults: what a profile's [client] section is when it says nothing.

Defined here only. The profile model, the client policy and the storm's plan read them; an
app that serves its own client config (the reference app's `GET /api/auth/config`)
replaces them for its runs, so a suite acts on what the app's own clients do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

TICK_SECONDS: Final = 30.0  # each tab's timer: proactive refresh, heartbeat
RETRY_DELAYS: Final = (1.0, 2.0, 4.0)  # refresh backoff on network errors and 5xx
HEARTBEAT_MAX_SECONDS: Final = 60.0  # at most this long between an active user's heartbeats
LOCK_TIMEOUT_SECONDS: Final = 10.0  # a refresh lock held longer is taken over (frozen tab)
# A refused access token with one of these reasons means "refresh once, then retry once"
# (`token_rejected`: the harness's word for an app's unnamed refusal).
RETRYABLE: Final = frozenset({"token_expired", "token_invalid", "token_missing", "token_rejected"})
# Without a configured threshold, refresh when this share of the token's life is left...
THRESHOLD_SHARE: Final = 0.2
# ...but never earlier than this many seconds before expiry.
THRESHOLD_CAP_S: Final = 300.0

_SECURITY_END = "Your session was ended for your security. Please sign in again."
_EXPIRED = "Your session has expired. Please sign in again."
# The simulated login page's wording; an app that serves its own (`client.messages`)
# replaces it, so a suite compares with what the app's users read.
MESSAGES: Final[Mapping[str, str]] = {
    "session_idle": "You were signed out after a period of inactivity.",
    "refresh_expired": _EXPIRED,
    "session_expired": _EXPIRED,
    "refresh_reused": _SECURITY_END,
    "session_revoked": _SECURITY_END,
    "logout": "You have signed out.",
}
DEFAULT_MESSAGE: Final = "Please sign in again."
BANNER_CONNECTION: Final = "Connection problem, retrying."
