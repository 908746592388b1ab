"""The network between a simulated profile and the app, broken on purpose by tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx


@dataclass
class _Fault:
    path_prefix: str
    times: int
    kind: str  # "connect" (never reaches the server), "lost" (handled, response lost), "status"
    status: int = 503
    error: str = "unavailable"


@dataclass
class Network:
    """The network between one profile and the app; tests break it on purpose."""

    offline: bool = False
    _faults: list[_Fault] = field(default_factory=list)

    def fail_next(
        self,
        path_prefix: str = "/",
        times: int = 1,
        *,
        status: int | None = None,
        error: str = "unavailable",
    ) -> None:
        """The next `times` matching requests fail before reaching the server.

        With `status` they get that HTTP status and `{"error": error}` (a proxy's 503, a
        gateway's 401) instead of a connection error.
        """
        kind = "connect" if status is None else "status"
        self._faults.append(_Fault(path_prefix, _positive(times), kind, status or 503, error))

    def lose_next_response(self, path_prefix: str = "/", times: int = 1) -> None:
        """The next `times` matching requests reach the server; the client never sees the answer."""
        self._faults.append(_Fault(path_prefix, _positive(times), "lost"))

    def clear(self) -> None:
        self.offline = False
        self._faults.clear()

    def consume(self, path: str) -> _Fault | None:
        for fault in self._faults:
            if path.startswith(fault.path_prefix):
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
                return fault
        return None


def _positive(times: int) -> int:
    if times < 1:
        raise ValueError(f"times must be at least 1, got {times}")
    return times


class FaultyTransport(httpx.AsyncBaseTransport):
    """Wraps a real transport: applies the profile's `Network` faults to each request."""

    def __init__(self, inner: httpx.AsyncBaseTransport, network: Network) -> None:
        self._inner = inner
        self._network = network

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # Yield once with the request (and its cookie) already built: requests started in the
        # same instant by several tabs overlap in flight, as they would in a browser.
        await asyncio.sleep(0)
        if self._network.offline:
            raise httpx.ConnectError("network offline", request=request)
        fault = self._network.consume(request.url.path)
        if fault is None:
            return await self._inner.handle_async_request(request)
        if fault.kind == "connect":
            raise httpx.ConnectError("injected connection failure", request=request)
        if fault.kind == "status":
            return httpx.Response(fault.status, json={"error": fault.error}, request=request)
        response = await self._inner.handle_async_request(request)
        await response.aread()
        await response.aclose()
        raise httpx.ReadError("injected loss of the response", request=request)

    async def aclose(self) -> None:
        await self._inner.aclose()
