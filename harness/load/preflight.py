"""Before a storm: can it run at all, and on what timing? One line when it cannot.

Runs in the harness's own process (httpx, no gevent): reaches the app, reads what it serves
about its sessions, signs one user in through the profile's login (wrong credentials or a
broken contract stop here, not 10,000 times later), checks the test clock and the bulk
sessions, and derives the storm's timing from the app's promise and the client's policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from harness.client.target import client_policy
from harness.client.wire import reply_of
from harness.core import AccessToken, ClientOptions
from harness.load.plan import ClockMode, Timing
from harness.target import TargetProfile, contract
from harness.target.contract import ContractError, Outgoing
from harness.target.served import promise

TIMEOUT_S = 5.0


class StormCannotRun(Exception):
    """Why the storm cannot run, in one line (exit code 2)."""


@dataclass(frozen=True)
class Preflight:
    """What the app told the harness before the storm."""

    served: dict[str, Any] | None
    timing: Timing
    clock: ClockMode
    bulk_path: str | None  # None: the app mints no sessions, every profile logs in


def preflight(profile: TargetProfile, base_url: str, *, tick_s: float | None) -> Preflight:
    try:
        with httpx.Client(base_url=base_url, headers=profile.headers, timeout=TIMEOUT_S) as http:
            served = _served(http, profile)
            lifetime = _login(http, profile)
            clock = _clock(http, profile)
            bulk = _bulk(http, profile)
    except httpx.TimeoutException:
        raise StormCannotRun(f"{base_url} did not answer within {TIMEOUT_S:g} s") from None
    except httpx.HTTPError as exc:
        raise StormCannotRun(f"cannot reach {base_url}: {_first_line(exc)}") from None
    return Preflight(served, _timing(profile, served, lifetime, tick_s), clock, bulk)


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _send(http: httpx.Client, outgoing: Outgoing) -> httpx.Response:
    request = http.build_request(
        outgoing.method,
        outgoing.path,
        headers=outgoing.headers,
        json=outgoing.json,
        data=outgoing.form,
    )
    return http.send(request)


def _served(http: httpx.Client, profile: TargetProfile) -> dict[str, Any] | None:
    path = profile.capabilities.config
    if path is None:
        return None
    response = http.get(path)
    if response.status_code != 200:
        raise StormCannotRun(f"GET {path} answered {response.status_code}")
    body = response.json()
    return body if isinstance(body, dict) else None


def _login(http: httpx.Client, profile: TargetProfile) -> float | None:
    """Sign the first user in; the access token's lifetime, when the response tells it."""
    user = profile.users[0]
    outgoing = contract.build(
        profile, profile.login, "login", identifier=user.identifier, password=user.secret()
    )
    response = _send(http, outgoing)
    reply = reply_of(response)
    if not 200 <= reply.status < 300:
        reason = contract.reason_of(profile, reply, "login")
        raise StormCannotRun(f"logins are failing: {user.name} got {reply.status} {reason}")
    try:
        grant = contract.read_grant(profile, "login", reply, datetime.now(UTC))
    except ContractError as exc:
        raise StormCannotRun(f"login: {exc}") from None
    return AccessToken.from_grant(grant, grant.server_time or datetime.now(UTC)).lifetime_seconds


def _clock(http: httpx.Client, profile: TargetProfile) -> ClockMode:
    if profile.clock.mode != "endpoint":
        return "real"
    response = http.get(profile.clock.path)
    if response.status_code != 200:
        raise StormCannotRun(
            f"the test clock at {profile.clock.path} answered {response.status_code}: start the "
            "app with its test clock on (docs/test-clock.md)"
        )
    return "endpoint"


def _bulk(http: httpx.Client, profile: TargetProfile) -> str | None:
    """The bulk-session path when the app answers it (else profiles log in one by one)."""
    path = profile.capabilities.sessions
    if path is None:
        return None
    response = http.post(path, json={"identifier": profile.users[0].identifier, "count": 1})
    return path if response.status_code == 200 else None


def _timing(
    profile: TargetProfile,
    served: dict[str, Any] | None,
    lifetime: float | None,
    tick_s: float | None,
) -> Timing:
    promised = promise(profile.policy, served)
    access = promised.access_ttl_seconds or lifetime
    if not access:
        raise StormCannotRun(
            "the access token's lifetime is unknown: give [policy] access_ttl_seconds"
        )
    policy = client_policy(profile, served, ClientOptions())
    return Timing(
        access_ttl_s=access,
        threshold_s=policy.threshold_for(access),
        tick_s=tick_s or policy.tick_seconds,
        retry_delays_s=policy.retry_delays,
        idle_timeout_s=promised.idle_timeout_seconds or None,
        refresh_ttl_s=promised.refresh_ttl_seconds,
        refresh_sliding=promised.refresh_expiry != "fixed",
        absolute_s=promised.absolute_seconds,
    )
