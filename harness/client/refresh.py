"""The refresh call with its network-error backoff (steps 4-5 of docs/refresh-algorithm.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from harness.events import RefreshRetry

if TYPE_CHECKING:
    from harness.client.tab import Tab

REFRESH_PATH = "/api/auth/refresh"


async def refresh_with_retries(tab: Tab) -> tuple[httpx.Response | None, str]:
    """POST the refresh until it gets an answer below 500 or the retries run out.

    Returns (response, "") or, after the last try failed, (None, the last error). The backoff
    waits are virtual time: they move the clock, firing every timer due meanwhile.
    """
    profile = tab.profile
    delays = profile.options.retry_delays
    error = ""
    for attempt in range(len(delays) + 1):
        if attempt:
            delay = delays[attempt - 1]
            profile.emit(RefreshRetry, tab.name, attempt=attempt, delay_s=delay, error=error)
            await profile.clock.sleep(delay)
            if not tab.signed_in:
                return None, "signed_out"  # the profile was signed out meanwhile
        try:
            response = await tab.send("POST", REFRESH_PATH)
        except httpx.TransportError as exc:
            error = type(exc).__name__
            continue
        if response.status_code < 500:
            return response, ""
        error = f"http_{response.status_code}"
    return None, error
