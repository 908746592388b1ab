"""The refresh algorithm's decisions (docs/refresh-algorithm.md), free of I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from harness.core.policy import ClientPolicy
from harness.core.tokens import AccessToken

ApiVerdict = Literal["deliver", "refresh_and_retry", "sign_out"]
# Answers to a refresh that are worth another try after a pause.
RETRY_STATUSES = frozenset({408, 429})


def needs_refresh(token: AccessToken | None, local_now: datetime, policy: ClientPolicy) -> bool:
    """`ensure_fresh` step 1: no token, or less than the threshold left."""
    if token is None:
        return True
    if not policy.proactive_refresh:
        return False
    return token.seconds_left(local_now) <= policy.threshold_for(token.lifetime_seconds)


def adoptable(
    shared: AccessToken | None,
    started_with: AccessToken | None,
    local_now: datetime,
    policy: ClientPolicy,
) -> AccessToken | None:
    """Refresh step 3, the re-check inside the lock: a token another tab got meanwhile."""
    if shared is None or shared is started_with or needs_refresh(shared, local_now, policy):
        return None
    return shared


def judge_api_reply(
    *, rejected: bool, reason: str, retried: bool, policy: ClientPolicy
) -> ApiVerdict:
    """Requests steps 3-4: what a tab does with an API answer."""
    if not rejected:
        return "deliver"
    if reason.startswith("session_"):
        return "sign_out"
    if retried or reason not in policy.retryable:
        return "deliver"  # a second refusal is not retried again
    return "refresh_and_retry"


@dataclass(frozen=True)
class Settled:
    """The refresh got an answer that is final: a grant (2xx) or a refusal (4xx)."""


@dataclass(frozen=True)
class Backoff:
    attempt: int  # 1 for the first retry
    delay: float
    error: str


@dataclass(frozen=True)
class GiveUp:
    """Every try failed on the network or the server: banner, the user stays signed in."""

    error: str


class RefreshAttempts:
    """Refresh step 5: the retries with backoff after network errors and 5xx answers."""

    def __init__(self, policy: ClientPolicy) -> None:
        self._delays = policy.retry_delays
        self._retries = 0
        self._every_refusal = policy.has("refusal_retried")

    def after(self, status: int | None, error: str = "") -> Settled | Backoff | GiveUp:
        """What to do after a try that got `status` (None: a network error named `error`)."""
        final = status is not None and status < 500 and status not in RETRY_STATUSES
        if final and not self._every_refusal:
            return Settled()
        failure = error if status is None else f"http_{status}"
        if self._retries >= len(self._delays):
            return GiveUp(failure)
        delay = self._delays[self._retries]
        self._retries += 1
        return Backoff(self._retries, delay, failure)
