"""A small token app whose session flaws are switched on by name, to prove checks can fail.

`FLAWED_APP_FLAWS=no_rotation,logout_noop` (read when `create_app()` runs) turns on flaws;
with none it keeps every promise of `flawed_app.toml`. Time is `time.time()`, so the
harness's in-process freeze moves it. Access tokens are HS256 JWTs in the body (with
`expires_in`); the refresh token is an opaque cookie guarded by an `X-CSRF: 1` header.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import jwt
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

FLAWS = frozenset(
    {
        "unverified_signature",  # forged access tokens accepted
        "no_rotation",
        "no_grace",  # the parent is refused at once after a rotation
        "no_family_revocation",  # a replayed token is refused, its family lives on
        "fork_on_reuse",  # an old token gets a child of its own: the family forks
        "no_refresh_expiry",
        "fixed_expiry",  # the refresh TTL counts from sign-in
        "no_idle_timeout",
        "activity_ignored",  # the idle deadline counts from sign-in
        "no_absolute",
        "logout_noop",
        "no_csrf",
        "cacheable",  # token responses are `public, max-age=600`
        "stream_ignores_token",  # the stream answers 200 to any token
        "legacy_login_ttl",  # login issues access tokens living 7 days
        "cookie_unparsable",  # the refresh cookie's value has a space (RFC 6265 forbids it)
        "cookie_max_age_garbled",  # the refresh cookie's Max-Age is not a number
    }
)
KEY = "flawed-app-test-key-" + "0" * 44
GRACE, IDLE, ABSOLUTE = 10, 300, 3600
ACCESS_TTL = 60  # FLAWED_APP_ACCESS_TTL overrides it (short, for clock.mode = "real")
USERS = {"alice": "alice-pw", "bob": "bob-pw"}


@dataclass
class Family:
    sid: str
    user: str
    current: str
    started: float
    refreshed: float
    active: float
    parent: str | None = None
    rotated: float = 0.0
    revoked: bool = False
    used: set[str] = field(default_factory=set)


class Refused(Exception):
    def __init__(self, status: int, code: str) -> None:
        self.status, self.code = status, code


class Sessions:
    def __init__(self, flaws: frozenset[str], access_ttl: int, refresh_ttl: int) -> None:
        self.flaws = flaws
        self.access_ttl, self.refresh_ttl = access_ttl, refresh_ttl
        self.families: dict[str, Family] = {}  # by refresh token, every generation
        self.by_sid: dict[str, Family] = {}

    def start(self, user: str) -> tuple[str, str]:
        now, token = time.time(), secrets.token_urlsafe(24)
        family = Family(secrets.token_hex(8), user, token, now, now, now)
        self.families[token] = self.by_sid[family.sid] = family
        ttl = 7 * 86400 if "legacy_login_ttl" in self.flaws else self.access_ttl
        return self.access(family, ttl), token

    def access(self, family: Family, ttl: int | None = None) -> str:
        now, ttl = int(time.time()), ttl or self.access_ttl
        claims = {"sub": family.user, "sid": family.sid, "iat": now, "exp": now + ttl}
        return jwt.encode({**claims, "typ": "access"}, KEY, algorithm="HS256")

    def refresh(self, token: str | None) -> tuple[str, str]:
        family = self.families.get(token or "")
        if family is None or token is None:
            raise Refused(401, "refresh_invalid")
        now = time.time()
        self._alive(family, now)
        if token != family.current:
            inside = token == family.parent and now - family.rotated < GRACE
            if inside and "no_grace" not in self.flaws:
                return self.access(family), family.current
            if "fork_on_reuse" in self.flaws:
                return self.access(family), self._rotate(family, token, now)
            if "no_family_revocation" not in self.flaws:
                family.revoked = True
            raise Refused(401, "refresh_reused")
        family.refreshed = now
        if "no_rotation" not in self.flaws:
            self._rotate(family, token, now)
        return self.access(family), family.current

    def _rotate(self, family: Family, token: str, now: float) -> str:
        child = secrets.token_urlsafe(24)
        family.parent, family.current, family.rotated = token, child, now
        self.families[child] = family
        return child

    def _alive(self, family: Family, now: float) -> None:
        if family.revoked:
            raise Refused(401, "session_revoked")
        since = family.started if "fixed_expiry" in self.flaws else family.refreshed
        if "no_refresh_expiry" not in self.flaws and now - since > self.refresh_ttl:
            raise Refused(401, "refresh_expired")
        if "no_idle_timeout" not in self.flaws and now - family.active > IDLE:
            raise Refused(401, "session_idle")
        if "no_absolute" not in self.flaws and now - family.started > ABSOLUTE:
            raise Refused(401, "session_expired")

    def check(self, bearer: str | None) -> str:
        """A stateless check of the access token; a valid one marks its session active."""
        if not bearer:
            raise Refused(401, "token_missing")
        verify = "unverified_signature" not in self.flaws
        try:
            claims = jwt.decode(
                bearer, KEY, algorithms=["HS256"], options={"verify_signature": verify}
            )
        except jwt.ExpiredSignatureError:
            raise Refused(401, "token_expired") from None
        except jwt.PyJWTError:
            raise Refused(401, "token_invalid") from None
        if claims.get("typ") != "access":
            raise Refused(401, "token_invalid")
        family = self.by_sid.get(str(claims.get("sid")))
        if family is not None and "activity_ignored" not in self.flaws:
            family.active = time.time()
        return str(claims.get("sub", ""))

    def logout(self, token: str | None) -> None:
        family = self.families.get(token or "")
        if family is not None and "logout_noop" not in self.flaws:
            family.revoked = True


def create_app() -> FastAPI:
    flaws = frozenset(filter(None, os.environ.get("FLAWED_APP_FLAWS", "").split(",")))
    if flaws - FLAWS:
        raise ValueError(f"unknown flaws: {sorted(flaws - FLAWS)}")
    access_ttl = int(os.environ.get("FLAWED_APP_ACCESS_TTL", ACCESS_TTL))
    sessions = Sessions(flaws, access_ttl, int(os.environ.get("FLAWED_APP_REFRESH_TTL", 600)))
    app = FastAPI()
    cache = "public, max-age=600" if "cacheable" in flaws else "no-store"

    def bearer(request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        return header.removeprefix("Bearer ") if header.startswith("Bearer ") else None

    def refused(exc: Refused) -> JSONResponse:
        return JSONResponse({"error": exc.code}, status_code=exc.status)

    def granted(access: str, refresh: str) -> JSONResponse:
        body = {"access_token": access, "expires_in": access_ttl, "token_type": "bearer"}
        response = JSONResponse(body, headers={"Cache-Control": cache})
        if "cookie_unparsable" in flaws:
            broken = f"rt={refresh} x; HttpOnly; SameSite=Strict; Path=/auth"
        elif "cookie_max_age_garbled" in flaws:
            broken = f"rt={refresh}; Max-Age=soon; HttpOnly; SameSite=Strict; Path=/auth"
        else:
            response.set_cookie("rt", refresh, httponly=True, samesite="strict", path="/auth")
            return response
        response.raw_headers.append((b"set-cookie", broken.encode("latin-1")))
        return response

    def csrf_ok(request: Request) -> bool:
        return "no_csrf" in flaws or request.headers.get("x-csrf") == "1"

    @app.post("/auth/login")
    async def login(request: Request) -> Response:
        body = await request.json()
        if USERS.get(body.get("username")) != body.get("password"):
            return JSONResponse({"error": "invalid_credentials"}, status_code=401)
        return granted(*sessions.start(body["username"]))

    @app.post("/auth/refresh")
    async def refresh(request: Request) -> Response:
        if not csrf_ok(request):
            return JSONResponse({"error": "csrf_failed"}, status_code=403)
        try:
            return granted(*sessions.refresh(request.cookies.get("rt")))
        except Refused as exc:
            return refused(exc)

    @app.post("/auth/logout")
    async def logout(request: Request) -> Response:
        sessions.logout(request.cookies.get("rt"))
        response = JSONResponse({"ok": True})
        response.delete_cookie("rt", path="/auth")
        return response

    @app.get("/me")
    async def me(request: Request) -> Response:
        try:
            return JSONResponse({"user": sessions.check(bearer(request))})
        except Refused as exc:
            return refused(exc)

    @app.post("/stream")
    async def stream(request: Request) -> Response:
        if "stream_ignores_token" not in flaws:
            try:
                sessions.check(bearer(request))
            except Refused as exc:
                return refused(exc)

        async def events() -> AsyncIterator[str]:
            for word in ("hello", "world"):
                yield f"event: chunk\ndata: {json.dumps({'text': word})}\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return app
