"""`/api/auth/*`: login, refresh, logout, session and config."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from reference_app import regressions
from reference_app.errors import error_responses
from reference_app.routes.deps import current_auth, require_csrf, services, services_of
from reference_app.services import Services
from reference_app.sessions import AuthContext, Grant
from reference_app.tokens import ISSUED_AT_LEEWAY

REFRESH_COOKIE = "refresh_token"
COOKIE_PATH = "/api/auth"
# RFC 6749 §5.1: no cache (browser, proxy) may keep a token response; Pragma for HTTP/1.0 ones.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

router = APIRouter(prefix="/api/auth", responses=error_responses(405))
ServicesDep = Annotated[Services, Depends(services)]
AuthDep = Annotated[AuthContext, Depends(current_auth)]


class LoginBody(BaseModel):
    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _user(svc: Services, email: str) -> dict[str, str]:
    user = svc.users.get(email)
    return user.to_public() if user else {"email": email, "name": email}


def token_body(svc: Services, grant: Grant) -> dict[str, Any]:
    session = grant.session
    return {
        "access_token": grant.access.token,
        "token_type": "bearer",
        "access_expires_at": _iso(grant.access.expires_at),
        "refresh_expires_at": _iso(session.refresh_expires_at),
        "idle_expires_at": _iso(grant.idle_expires_at),
        "session_expires_at": _iso(session.session_expires_at),
        "server_time": _iso(svc.clock.now()),
        "user": _user(svc, session.user),
    }


def set_refresh_cookie(request: Request, response: Response, token: str) -> None:
    # No Max-Age: the server is the authority on expiry and answers with the precise reason.
    # Written out (as Starlette's set_cookie would) rather than through http.cookies: a
    # refresh token is made of URL-safe characters only, and this is on the refresh path.
    settings = services_of(request).settings
    secure = "; Secure" if request.scope.get("scheme") == "https" else ""
    attributes = regressions.refresh_cookie_attributes(
        settings.regressions, COOKIE_PATH, settings.refresh_ttl_seconds
    )
    cookie = f"{REFRESH_COOKIE}={token}{attributes}; SameSite=strict{secure}"
    response.raw_headers.append((b"set-cookie", cookie.encode("latin-1")))


@router.post(
    "/login",
    dependencies=[Depends(require_csrf)],
    responses=error_responses(400, 401, 403, 413, 422, 429),
)
async def login(
    body: LoginBody, request: Request, response: Response, svc: ServicesDep
) -> dict[str, Any]:
    address = request.client.host if request.client else ""
    user = await svc.logins.authenticate(body.email, body.password, address)
    grant = await svc.call(svc.sessions.start, user)
    set_refresh_cookie(request, response, grant.refresh_token)
    response.headers.update(NO_STORE)
    return await svc.call(token_body, svc, grant)


@router.post("/refresh", responses=error_responses(401, 403, 413, 503))
async def refresh(request: Request) -> JSONResponse:
    # The hot path: no injected dependencies (resolving them costs a fifth of a refresh).
    await require_csrf(request)
    svc = services_of(request)
    grant = await svc.call(svc.sessions.refresh, request.cookies.get(REFRESH_COOKIE))
    response = JSONResponse(token_body(svc, grant), headers=NO_STORE)
    set_refresh_cookie(request, response, grant.refresh_token)
    return response


@router.post("/logout", dependencies=[Depends(require_csrf)], responses=error_responses(403, 413))
async def logout(request: Request, response: Response, svc: ServicesDep) -> dict[str, bool]:
    await svc.call(svc.sessions.logout, request.cookies.get(REFRESH_COOKIE))
    wrong_path = regressions.LOGOUT_CLEARS_WRONG_PATH in svc.settings.regressions
    response.delete_cookie(
        REFRESH_COOKIE,
        path="/" if wrong_path else COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.scope.get("scheme") == "https",
    )
    return {"ok": True}


@router.post(
    "/logout-all", dependencies=[Depends(require_csrf)], responses=error_responses(401, 403, 413)
)
async def logout_all(auth: AuthDep, svc: ServicesDep) -> dict[str, Any]:
    current = auth.session
    revoked = await svc.call(svc.sessions.logout_all, current.user, current=current.sid)
    return {"ok": True, "revoked": revoked}


@router.get("/session", responses=error_responses(401))
async def session(auth: AuthDep, svc: ServicesDep, response: Response) -> dict[str, Any]:
    response.headers.update(NO_STORE)
    current = auth.session
    body = {
        "user": await svc.call(_user, svc, current.user),
        "sid": current.sid,
        "access_expires_at": _iso(auth.access_expires_at),
        "refresh_expires_at": _iso(current.refresh_expires_at),
        "idle_expires_at": _iso(auth.idle_expires_at),
        "session_expires_at": _iso(current.session_expires_at),
        "server_time": _iso(svc.clock.now()),
    }
    if regressions.SHARED_SESSION_CACHE in svc.settings.regressions:
        return svc.shared_answers.answer("session", svc.clock.now(), body)
    return body


@router.get("/config")
async def config(svc: ServicesDep, response: Response) -> dict[str, Any]:
    response.headers.update(NO_STORE)  # it carries the server time
    return {
        **svc.settings.to_client_config(),
        # Not a setting: how far ahead of the app clock a token's iat/nbf may lie.
        "issued_at_leeway_seconds": int(ISSUED_AT_LEEWAY.total_seconds()),
        "server_time": _iso(svc.clock.now()),
    }
