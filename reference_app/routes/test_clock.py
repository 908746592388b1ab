"""`/__harness__/clock`: lets an out-of-process harness move the app's time.

Opt-in: `create_app` includes this router only with `test_clock` on. `loopback_only` guards
every `/__harness__` route.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime
from typing import Annotated, Any, Self
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, model_validator

from reference_app.errors import ApiError, error_responses
from reference_app.routes.deps import services
from reference_app.services import Services

ServicesDep = Annotated[Services, Depends(services)]
_TEN_YEARS = 10 * 366 * 86400


class ClockMove(BaseModel):
    advance_seconds: float | None = Field(
        None, ge=-_TEN_YEARS, le=_TEN_YEARS, allow_inf_nan=False, strict=True
    )
    set: datetime | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.advance_seconds is None) == (self.set is None):
            raise ValueError("give exactly one of advance_seconds and set")
        if self.set is not None and self.set.tzinfo is None:
            raise ValueError("set needs an explicit UTC offset")
        return self


async def loopback_only(request: Request) -> None:
    if not _is_loopback(request.client.host if request.client else ""):
        raise ApiError(403, "forbidden", "the test clock answers loopback clients only")
    # DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1 reaches us
    # from a loopback client, but its requests still say `Host: evil.example`.
    if not _is_loopback_host(request.headers.get("host", "")):
        raise ApiError(403, "forbidden", "the test clock answers requests to a loopback host only")


def _is_loopback_host(header: str) -> bool:
    """`Host` names localhost or a loopback address, with any port (`[::1]:8000` included)."""
    try:
        parts = urlsplit("//" + header)
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return False
    host = parts.hostname or ""
    return host == "localhost" or _is_loopback(host)


def _is_loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    # A dual-stack server reports IPv4 clients as `::ffff:127.0.0.1`.
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return (mapped or address).is_loopback


# The gate is a router dependency so it answers before the body is validated.
router = APIRouter(
    prefix="/__harness__",
    dependencies=[Depends(loopback_only)],
    responses=error_responses(403, 405),
)


def _state(svc: Services) -> dict[str, Any]:
    return {"now": svc.clock.now().isoformat(), "offset_seconds": svc.clock.offset_seconds}


@router.get("/clock")
async def read_clock(svc: ServicesDep) -> dict[str, Any]:
    return _state(svc)


@router.post("/clock", responses=error_responses(400, 413, 422))
async def move_clock(move: ClockMove, svc: ServicesDep) -> dict[str, Any]:
    field = "set" if move.set is not None else "advance_seconds"
    try:
        if move.set is not None:
            svc.clock.set(move.set)
        else:
            svc.clock.advance(move.advance_seconds or 0.0)
    except ValueError as exc:
        error = {"type": "value_error", "loc": ("body", field), "msg": str(exc)}
        raise RequestValidationError([error]) from None
    return _state(svc)
