"""The app under test as simulated clients reach it: its profile, its address, its transport."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from harness.core.policy import ClientOptions, ClientPolicy
from harness.target import TargetProfile
from harness.target.model import Policy
from harness.target.promise import Promise
from harness.target.served import promise, regressions

IN_PROCESS_URL = "http://testserver"


class TargetUnavailable(RuntimeError):
    """The app did not answer a request every client needs (its session config)."""


class Target:
    """Where the app lives and what its profile says; every browser profile connects through it.

    The app's served session config (when the profile names one) is read once and shared.
    """

    def __init__(
        self,
        profile: TargetProfile,
        base_url: str,
        make_transport: Callable[[], httpx.AsyncBaseTransport],
        *,
        embedded: bool = False,
    ) -> None:
        self.profile = profile
        self.base_url = base_url.rstrip("/")
        self.embedded = embedded  # the app runs inside this process
        self._make_transport = make_transport
        self._served: Mapping[str, Any] | None = None
        self._served_loaded = False

    def __repr__(self) -> str:
        return f"<Target {self.profile.name} at {self.base_url}>"

    @classmethod
    def in_process(cls, app: Any, profile: TargetProfile) -> Target:
        """The ASGI `app` in this process (no lifespan), reached at http://testserver."""
        return cls(profile, IN_PROCESS_URL, lambda: httpx.ASGITransport(app=app), embedded=True)

    @classmethod
    def http(cls, base_url: str, profile: TargetProfile) -> Target:
        """A server reached over real HTTP at `base_url`."""
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base URL must start with http:// or https://, got {base_url!r}")
        # No keep-alive expiry: httpcore measures it with time.monotonic, which a freeze moves
        # on, so every jump of the virtual clock would otherwise cost a new connection.
        limits = httpx.Limits(keepalive_expiry=None)
        # One TLS context for every client of the target: loading the CA bundle costs ~50 ms,
        # and a measurement opens a client per probe (plain http never uses it).
        context: list[ssl.SSLContext] = []

        def transport() -> httpx.AsyncBaseTransport:
            if not context:
                context.append(httpx.create_ssl_context())
            return httpx.AsyncHTTPTransport(limits=limits, verify=context[0])

        return cls(profile, base_url, transport)

    def transport(self) -> httpx.AsyncBaseTransport:
        return self._make_transport()

    async def served(self, http: httpx.AsyncClient) -> Mapping[str, Any] | None:
        """The app's session config (`[capabilities] config`), fetched once; None without one."""
        path = self.profile.capabilities.config
        if path is None or self._served_loaded:
            return self._served
        response = await http.get(path)
        if response.status_code != 200:
            raise TargetUnavailable(f"GET {path} answered {response.status_code}")
        body = response.json()
        self._served = body if isinstance(body, dict) else None
        self._served_loaded = True
        return self._served

    def client_policy(self, options: ClientOptions) -> ClientPolicy:
        """The algorithm's parameters: profile [client], the served config, then `options`."""
        return client_policy(self.profile, self._served, options)

    @property
    def promise(self) -> Policy:
        """What the app promises: the profile's [policy] with the served values filled in."""
        return promise(self.profile.policy, self._served)

    async def expectations(self) -> Promise:
        """The promise, after reading what the app serves (with a client of its own)."""
        async with httpx.AsyncClient(
            transport=self.transport(), base_url=self.base_url, headers=self.profile.headers
        ) as http:
            await self.served(http)
        return Promise(self.promise, self.profile)


def client_policy(
    profile: TargetProfile, served: Mapping[str, Any] | None, options: ClientOptions
) -> ClientPolicy:
    """The algorithm's parameters: profile [client], what the app serves, then `options`.

    The client-side regressions the app lists in its served config are applied too, so a
    client of an app started with one behaves as that app's own frontend would.
    """
    spec = profile.client
    base = ClientPolicy(
        refresh_threshold_seconds=spec.refresh_threshold_seconds,
        tick_seconds=spec.tick_seconds,
        retry_delays=tuple(spec.retry_delays_seconds),
        heartbeat_max_seconds=spec.heartbeat_max_seconds,
        lock_timeout_seconds=spec.lock_timeout_seconds,
        warning_lead_seconds=spec.warning_lead_seconds,
        # A good client knows the promised idle timeout: it tells the server about clicks
        # (heartbeat) and signs out on time (the app may serve its own value instead).
        idle_timeout_seconds=profile.policy.idle_timeout_seconds or None,
    )
    if served is not None:
        base = base.with_served(served)
    return base.with_options(options.with_regressions(regressions(served)))
