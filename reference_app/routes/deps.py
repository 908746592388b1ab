"""Request dependencies shared by the routers: services, CSRF check, bearer authentication."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

from reference_app import regressions
from reference_app.errors import ApiError
from reference_app.services import Services
from reference_app.sessions import AuthContext

_DEFAULT_PORTS = {"http": 80, "https": 443}


def services_of(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


async def services(request: Request) -> Services:
    return services_of(request)


def _origin_key(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port), or None when `url` does not parse (never equal to our own)."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        return None


async def require_csrf(request: Request) -> None:
    """Cookie endpoints need `X-Requested-With`, and a present `Origin` must be our own."""
    bugs = services_of(request).settings.regressions
    header_required = regressions.CSRF_HEADER_OPTIONAL not in bugs
    if header_required and not request.headers.get("x-requested-with", "").strip():
        raise ApiError(403, "csrf_failed", "the X-Requested-With header is required")
    origin = request.headers.get("origin")
    origin_checked = regressions.CSRF_ORIGIN_IGNORED not in bugs
    if origin is None or not origin_checked:
        return
    own = _origin_key(str(request.base_url))
    if own is None or _origin_key(origin) != own:
        raise ApiError(403, "csrf_failed", "cross-origin request refused")


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def current_auth(request: Request) -> AuthContext:
    svc = services_of(request)
    return await svc.call(svc.sessions.authenticate, bearer_token(request))
