"""The simulated profile's side of `harness.faults`: an httpx transport that applies them."""

from __future__ import annotations

import asyncio

import httpx

from harness.faults import Network

__all__ = ["FaultyTransport", "Network"]


class FaultyTransport(httpx.AsyncBaseTransport):
    """Wraps a real transport: applies the profile's `Network` faults to each request."""

    def __init__(self, inner: httpx.AsyncBaseTransport, network: Network) -> None:
        self._inner = inner
        self._network = network

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # Yield once with the request (and its cookie) already built: requests started in the
        # same instant by several tabs overlap in flight, as they would in a browser.
        await asyncio.sleep(self._network.latency(request.url.path))
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
