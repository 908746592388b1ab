"""`/__harness__/sessions/{sid}`: a read-only view of one session, for the harness's checks.

What the server did with a session (its generation, rotations, last activity, revocation
and audit trail), so a suite can check both sides of every step. Opt-in like the test clock:
routed only with `test_clock` on, and only for loopback clients addressing a loopback host.
Reading it is not activity and changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from reference_app.errors import ApiError, error_responses
from reference_app.routes.deps import bearer_token, services
from reference_app.routes.test_clock import loopback_only
from reference_app.services import Services
from reference_app.store import Session

ServicesDep = Annotated[Services, Depends(services)]
# How the store says why a session ended, in the harness's vocabulary (its reasons).
REVOKED_REASONS = {
    "logout": "logout",
    "logout_all": "logout_all",
    "idle_timeout": "session_idle",
    "session_expired": "session_expired",
    "reuse": "refresh_reused",
}

router = APIRouter(
    prefix="/__harness__",
    dependencies=[Depends(loopback_only)],
    responses=error_responses(403, 404, 405),
)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _about_user(event: dict[str, Any], user: str) -> bool:
    return event.get("sid") is None and event.get("user") == user


def describe(svc: Services, session: Session) -> dict[str, Any]:
    activity = svc.sessions.activity
    # The session's own events, and "sign out everywhere", which ends it with the user's others,
    # in the order they were recorded (a test clock may be set back between two of them).
    trail = [
        event
        for event in svc.audit.events()
        if event.get("sid") == session.sid
        or (event["kind"] == "logout_all" and _about_user(event, session.user))
    ]
    events = [{**e, "at": _iso(e["at"])} for e in trail]
    return {
        "sid": session.sid,
        "user": session.user,
        "generation": session.generation,
        "rotations": sum(1 for event in events if event["kind"] == "rotation"),
        "created_at": _iso(session.created_at),
        "rotated_at": _iso(session.rotated_at),
        "last_activity": _iso(activity.last_activity(session)),
        "idle_expires_at": _iso(activity.idle_deadline(session)),
        "refresh_expires_at": _iso(session.refresh_expires_at),
        "session_expires_at": _iso(session.session_expires_at),
        "revoked": session.revoked,
        "revoked_reason": REVOKED_REASONS.get(session.revoked_reason or "", session.revoked_reason),
        "revoked_at": _iso(session.revoked_at),
        "events": [{k: v for k, v in e.items() if k != "sid"} for e in events],
    }


def _view(svc: Services, sid: str) -> dict[str, Any]:
    session = svc.sessions.store.get(sid)
    if session is None:
        raise ApiError(404, "not_found", "no such session")
    return describe(svc, session)


@router.get("/sessions/current", responses=error_responses(401))
async def current_session(request: Request, svc: ServicesDep) -> dict[str, Any]:
    """The session of the bearer token, whatever its times (an expired token names it too)."""
    token = bearer_token(request)
    if token is None:
        raise ApiError(401, "token_missing", "an Authorization: Bearer header is required")
    return await svc.call(_view, svc, svc.tokens.session_of(token))


@router.get("/sessions/{sid}")
async def session_by_id(sid: str, svc: ServicesDep) -> dict[str, Any]:
    return await svc.call(_view, svc, sid)
