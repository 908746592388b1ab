"""Sign-in: password checks behind the failure limits, a bounded number at a time."""

from __future__ import annotations

import anyio.to_thread

from reference_app.audit import AuditTrail
from reference_app.clock import Clock
from reference_app.errors import ApiError
from reference_app.throttle import LoginThrottle
from reference_app.users import User, UserDirectory


class LoginGate:
    """`await gate.authenticate(email, password, address)`: the user, or a 401 or 429.

    An argon2 check holds `memory_kib` for its duration: `concurrency` of them at once caps
    that memory however many sign-ins arrive together (the rest wait, costing a coroutine).
    """

    def __init__(
        self,
        users: UserDirectory,
        throttle: LoginThrottle,
        clock: Clock,
        audit: AuditTrail,
        *,
        concurrency: int,
    ) -> None:
        self._users = users
        self._throttle = throttle
        self._clock = clock
        self._audit = audit
        self._limiter = anyio.CapacityLimiter(concurrency)

    async def authenticate(self, email: str, password: str, address: str) -> User:
        account = email.strip().lower()
        self._check(account, address)  # refused at once, without queueing for a check
        user = await anyio.to_thread.run_sync(
            self._verify, account, password, address, limiter=self._limiter
        )
        if user is None:
            self._audit.record("login_failed", user=account, address=address)
            raise ApiError(401, "invalid_credentials", "unknown email or wrong password")
        return user

    def _verify(self, account: str, password: str, address: str) -> User | None:
        # Checked again in the slot: failures recorded while we queued count too.
        self._check(account, address)
        user = self._users.authenticate(account, password)
        now = self._clock.now().timestamp()
        if user is None:
            self._throttle.failed(account, address, now)
        else:
            self._throttle.succeeded(account)
        return user

    def _check(self, account: str, address: str) -> None:
        try:
            self._throttle.check(account, address, self._clock.now().timestamp())
        except ApiError:
            self._audit.record("login_throttled", user=account, address=address)
            raise
