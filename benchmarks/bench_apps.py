"""uvicorn factories for the refresh benchmark: the full app (seeded) and a bare baseline."""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from reference_app import Settings, create_app
from reference_app.users import User

SECRET = "benchmark-secret-" * 3


def _write_tokens(tokens: list[str]) -> None:
    Path(os.environ["BENCH_TOKENS_FILE"]).write_text("\n".join(tokens) + "\n")


def full_app() -> FastAPI:
    """The reference app with BENCH_SESSIONS live sessions, cookies in BENCH_TOKENS_FILE."""
    # Rounds carry their sessions over: a refresh cut by the end of one is sent again from
    # its parent in the next, which a long grace window answers with the current token.
    app = create_app(Settings(jwt_secret=SECRET, rotation_grace_seconds=3600))
    sessions = app.state.services.sessions
    user = User("alice@example.com", "Alice")
    _write_tokens(
        [sessions.start(user).refresh_token for _ in range(int(os.environ["BENCH_SESSIONS"]))]
    )
    return app


def baseline_app() -> FastAPI:
    """A bare refresh endpoint: cookie, dict lookup, HS256 encode; no rotation, reuse or idle."""
    tokens = {
        secrets.token_urlsafe(32): "alice@example.com"
        for _ in range(int(os.environ["BENCH_SESSIONS"]))
    }
    _write_tokens(list(tokens))
    app = FastAPI()

    @app.post("/api/auth/refresh")
    async def refresh(request: Request) -> JSONResponse:
        user = tokens.get(request.cookies.get("refresh_token", ""))
        if user is None:
            return JSONResponse({"error": "refresh_invalid"}, status_code=401)
        now = datetime.now(UTC)
        claims = {"sub": user, "iat": now, "exp": now + timedelta(minutes=30), "typ": "access"}
        return JSONResponse({"access_token": jwt.encode(claims, SECRET, algorithm="HS256")})

    return app
