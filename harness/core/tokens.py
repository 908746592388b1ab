"""An access token as a client holds it: its deadlines moved onto the client's own clock."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from harness.target.contract import Grant


@dataclass(frozen=True)
class AccessToken:
    """`skew = server_time - local_now` at receipt (docs/refresh-algorithm.md, "Clock skew").

    Server times are as issued; the `local_` ones are the same instants on the client's clock.
    An expiry the app never told (an opaque token, no `expires_in`) is None.
    """

    value: str
    access_expires_at: datetime | None
    session_expires_at: datetime | None
    local_expires_at: datetime | None
    local_session_expires_at: datetime | None
    skew: timedelta
    lifetime_seconds: float | None  # expiry minus issue, as the server counts

    @classmethod
    def from_grant(cls, grant: Grant, local_now: datetime) -> AccessToken:
        server_now = grant.server_time or local_now
        skew = server_now - local_now
        expires, session_end = grant.access_expires_at, grant.session_expires_at
        lifetime = None if expires is None else (expires - server_now).total_seconds()
        return cls(
            value=grant.access_token,
            access_expires_at=expires,
            session_expires_at=session_end,
            local_expires_at=None if expires is None else expires - skew,
            local_session_expires_at=None if session_end is None else session_end - skew,
            skew=skew,
            lifetime_seconds=lifetime,
        )

    def seconds_left(self, local_now: datetime) -> float:
        """Time to expiry on the client's clock; infinite when the expiry is unknown."""
        if self.local_expires_at is None:
            return math.inf
        return (self.local_expires_at - local_now).total_seconds()
