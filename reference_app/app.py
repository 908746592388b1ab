"""`create_app(settings)`: the reference app, built fresh with everything it owns."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import Match, Route

from reference_app.errors import ApiError, install_error_handlers
from reference_app.middleware import (
    BodyLimitMiddleware,
    HeaderLimitMiddleware,
    InternalErrorMiddleware,
    SecurityHeadersMiddleware,
    ServerTimeMiddleware,
)
from reference_app.routes import auth, chat, harness_sessions, session_view, test_clock
from reference_app.services import build_services
from reference_app.settings import Settings, load_settings

STATIC_DIR = Path(__file__).parent / "static"
_API_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_API_PREFIXES = ("/api", "/__harness__")


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
    routers = [auth.router, chat.router]
    if settings.test_clock:  # otherwise its path is unknown: 404, and absent from the schema
        routers += [test_clock.router, harness_sessions.router, session_view.router]
    for router in routers:
        app.include_router(router)
    own_routes = [route for route in app.router.routes if isinstance(route, Route)]
    routed = [route for router in routers for route in router.routes if isinstance(route, Route)]
    _answer_unknown_routes(app, [*own_routes, *routed])
    _mount_frontend(app)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(InternalErrorMiddleware)
    app.add_middleware(ServerTimeMiddleware, clock=services.clock)
    app.add_middleware(HeaderLimitMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: on every answer, errors too
    return app


def _answer_unknown_routes(app: FastAPI, known: list[Route]) -> None:
    """JSON 404, or 405 with `Allow`, under the API prefixes (the frontend mount would
    answer 405 to any POST)."""

    async def unknown_route(request: Request) -> None:
        allowed = sorted(
            method
            for route in known
            if route.matches(request.scope)[0] is Match.PARTIAL
            for method in route.methods or ()
        )
        if allowed:
            message = f"{request.method} is not allowed here"
            raise ApiError(405, "method_not_allowed", message, {"Allow": ", ".join(allowed)})
        raise ApiError(404, "not_found", "no such resource")

    for prefix in _API_PREFIXES:
        app.add_api_route(
            prefix + "/{rest:path}", unknown_route, methods=_API_METHODS, include_in_schema=False
        )


def _mount_frontend(app: FastAPI) -> None:
    @app.api_route("/login", methods=["GET", "HEAD"], include_in_schema=False)
    async def login_page() -> FileResponse:
        page = STATIC_DIR / "login.html"
        if not page.is_file():
            raise ApiError(404, "not_found", "no such resource")
        return FileResponse(page)

    # Mounted last so that every API route above wins over a file of the same path.
    app.mount("/", StaticFiles(directory=STATIC_DIR, html=True, check_dir=False), name="frontend")
