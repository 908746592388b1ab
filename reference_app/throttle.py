"""Failed sign-ins counted per account and per client address, in windows of the app clock.

Only failures count: a user who signs in many times (a test suite, a load test provisioning
thousands of users) is never slowed down. Unknown accounts are counted like known ones, so a
429 says nothing about whether an account exists.
"""

from __future__ import annotations

import math
import threading
from collections import deque

from reference_app.errors import ApiError

# Keys remembered per window; past this the least recently failing key is forgotten, so an
# attacker inventing accounts cannot grow memory without bound (the address limit still holds).
MAX_KEYS = 10_000


class FailureWindow:
    """At most `limit` failures per key within `seconds`; `limit` 0 never refuses."""

    def __init__(self, limit: int, seconds: float, max_keys: int = MAX_KEYS) -> None:
        self.limit = limit
        self.seconds = seconds
        self.max_keys = max_keys
        # Only the newest `limit` failure times matter: the oldest of them opens the key again.
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str, now: float) -> float | None:
        """Seconds until `key` may try again, or None if it may try now."""
        if self.limit == 0:
            return None
        with self._lock:
            times = self._failures.get(key)
            if times is None or len(times) < self.limit:
                return None
            left = times[0] + self.seconds - now
        # A clock moved backwards leaves failures "in the future": never wait over a window.
        return min(left, self.seconds) if left > 0 else None

    def record(self, key: str, now: float) -> None:
        if self.limit == 0:
            return
        with self._lock:
            times = self._failures.pop(key, None) or deque(maxlen=self.limit)
            times.append(now)
            self._failures[key] = times  # re-inserted: dict order is failure recency
            if len(self._failures) > self.max_keys:
                del self._failures[next(iter(self._failures))]

    def reset(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def __len__(self) -> int:
        return len(self._failures)


class LoginThrottle:
    """The account and address windows of one app; refusals are 429 `rate_limited`."""

    def __init__(
        self, *, per_account: int, per_address: int, window_seconds: float, max_keys: int = MAX_KEYS
    ) -> None:
        self.accounts = FailureWindow(per_account, window_seconds, max_keys)
        self.addresses = FailureWindow(per_address, window_seconds, max_keys)

    def check(self, account: str, address: str, now: float) -> None:
        """Raises 429 with `Retry-After` while either window is full."""
        waits = [
            wait
            for wait in (
                self.accounts.retry_after(account, now),
                self.addresses.retry_after(address, now),
            )
            if wait is not None
        ]
        if waits:
            seconds = max(1, math.ceil(max(waits)))
            raise ApiError(
                429,
                "rate_limited",
                f"too many failed sign-ins; try again in {seconds} s",
                {"Retry-After": str(seconds)},
            )

    def failed(self, account: str, address: str, now: float) -> None:
        self.accounts.record(account, now)
        self.addresses.record(address, now)

    def succeeded(self, account: str) -> None:
        # The address keeps its count: one good password must not unlock a stuffing run.
        self.accounts.reset(account)
