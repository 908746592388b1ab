"""`create_app(settings)`: the reference app, built fresh with everything it owns."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import Match

from reference_app.errors import ApiError, install_error_handlers
from reference_app.middleware import (
    BodyLimitMiddleware,
    InternalErrorMiddleware,
    ServerTimeMiddleware,
)
from reference_app.routes import auth, chat, test_clock
from reference_app.services import build_services
from reference_app.settings import Settings, load_settings

STATIC_DIR = Path(__file__).parent / "static"
_API_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app for `settings` (default: from `REFAPP_*`); raises SettingsError when invalid."""
    settings = settings if settings is not None else load_settings()
    # Built here, not in a lifespan hook: in-process ASGI transports do not run lifespan.
    services = build_services(settings)
    app = FastAPI(
        title="session-harness reference app",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.services = services
    install_error_handlers(app)
    app.include_router(auth.router)
    app.include_router(chat.router)
    app.include_router(test_clock.router)

    api_routes = list(app.router.routes)

    # Answers JSON for unknown /api paths (the frontend mount would answer 405 to a POST).
    @app.api_route("/api/{rest:path}", methods=_API_METHODS, include_in_schema=False)
    async def unknown_api_route(request: Request) -> None:
        if any(route.matches(request.scope)[0] is Match.PARTIAL for route in api_routes):
            raise ApiError(405, "method_not_allowed", f"{request.method} is not allowed here")
        raise ApiError(404, "not_found", "no such resource")

    _mount_frontend(app)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(InternalErrorMiddleware)
    app.add_middleware(ServerTimeMiddleware, clock=services.clock)
    return app


def _mount_frontend(app: FastAPI) -> None:
    @app.get("/login", include_in_schema=False)
    async def login_page() -> FileResponse:
        page = STATIC_DIR / "login.html"
        if not page.is_file():
            raise ApiError(404, "not_found", "no such resource")
        return FileResponse(page)

    # Mounted last so that every API route above wins over a file of the same path.
    app.mount("/", StaticFiles(directory=STATIC_DIR, html=True, check_dir=False), name="frontend")
