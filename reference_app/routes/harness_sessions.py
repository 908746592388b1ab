"""`/__harness__/sessions`: sessions minted in bulk for load tests.

The harness's bulk-session protocol (docs/load.md): `POST {"identifier", "count"}` answers
`{"sessions": [{"json": <login body>, "set_cookie": [<Set-Cookie lines>]}, ...]}`, each
session exactly as a login of that user would have started it, without checking a password.
A 10,000-profile storm then signs in within seconds. Opt-in like the test clock: routed only
with `test_clock` on, and only for loopback clients addressing a loopback host.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from reference_app.errors import ApiError, error_responses
from reference_app.routes.auth import NO_STORE, set_refresh_cookie, token_body
from reference_app.routes.deps import services
from reference_app.routes.test_clock import loopback_only
from reference_app.services import Services
from reference_app.users import User

MAX_SESSIONS = 1000  # per request: a bigger storm asks several times
ServicesDep = Annotated[Services, Depends(services)]


class MintRequest(BaseModel):
    identifier: str = Field(min_length=1, max_length=320)
    count: int = Field(1, ge=1, le=MAX_SESSIONS, strict=True)


router = APIRouter(
    prefix="/__harness__",
    dependencies=[Depends(loopback_only)],
    responses=error_responses(403, 405),
)


@router.post("/sessions", responses=error_responses(400, 404, 413, 422))
async def mint_sessions(body: MintRequest, request: Request, svc: ServicesDep) -> JSONResponse:
    user = await svc.call(svc.users.get, body.identifier.strip().lower())
    if user is None:
        raise ApiError(404, "not_found", "no such user")
    sessions = [await svc.call(_minted, request, svc, user) for _ in range(body.count)]
    return JSONResponse({"sessions": sessions}, headers=NO_STORE)


def _minted(request: Request, svc: Services, user: User) -> dict[str, Any]:
    grant = svc.sessions.start(user)
    cookies = Response()
    set_refresh_cookie(request, cookies, grant.refresh_token)
    return {"json": token_body(svc, grant), "set_cookie": cookies.headers.getlist("set-cookie")}
