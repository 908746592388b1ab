"""The session-view protocol: what the server did with one session, as plain data.

An app with `[capabilities] session_view = "/path"` answers `GET /path/current` (with the
profile's [access] headers; any token the app signed, expired or not) and `GET /path/{sid}`
with the JSON below. Reading it changes nothing and is not activity.

    {"sid", "user", "generation", "rotations", "created_at", "rotated_at", "last_activity",
     "idle_expires_at", "refresh_expires_at", "session_expires_at", "revoked",
     "revoked_reason", "revoked_at", "events": [{"kind", "at", ...}]}

Times are ISO 8601 with an offset (null where the app has none); `revoked_reason` is one of
the harness's reasons (`logout`, `logout_all`, `session_idle`, `session_expired`,
`refresh_reused`); `events` is the session's audit trail (`login`, `rotation` with its
`generation`, `refresh` with `grace: true` for a grace-window re-issue, `reuse_detected` with
the `generation` presented and the `current` one, `logout_all` with how many sessions it
`revoked`, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class SessionViewError(ValueError):
    """The app's session view answered something that is not the protocol's JSON."""


@dataclass(frozen=True)
class AuditEntry:
    kind: str
    at: datetime
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SessionRecord:
    """One session as the server keeps it, read at `read_at` (the harness's virtual time)."""

    sid: str
    user: str
    generation: int
    rotations: int
    created_at: datetime
    rotated_at: datetime | None
    last_activity: datetime | None
    idle_expires_at: datetime | None
    refresh_expires_at: datetime | None
    session_expires_at: datetime | None
    revoked: bool
    revoked_reason: str | None
    revoked_at: datetime | None
    events: tuple[AuditEntry, ...]
    read_at: datetime | None = None

    def events_of(self, kind: str) -> list[AuditEntry]:
        return [event for event in self.events if event.kind == kind]


def _time(body: Mapping[str, Any], name: str) -> datetime | None:
    value = body.get(name)
    return None if value is None else _required_time(body, name)


def _required_time(body: Mapping[str, Any], name: str) -> datetime:
    value = body.get(name)
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise SessionViewError(f"{name}: {value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise SessionViewError(f"{name}: {value!r} has no UTC offset")
    return moment


def _entry(raw: Any) -> AuditEntry:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("kind"), str):
        raise SessionViewError(f"events: {raw!r} is not an event with a kind")
    details = {k: v for k, v in raw.items() if k not in ("kind", "at")}
    return AuditEntry(raw["kind"], _required_time(raw, "at"), details)


def _int(body: Mapping[str, Any], name: str) -> int:
    value = body.get(name)
    if type(value) is not int:
        raise SessionViewError(f"{name}: {value!r} is not a whole number")
    return value


def parse_session_view(body: Any, *, read_at: datetime | None = None) -> SessionRecord:
    """A session-view answer as a record; raises SessionViewError naming the first bad field."""
    if not isinstance(body, Mapping):
        raise SessionViewError("the session view did not answer a JSON object")
    events = body.get("events") or []
    if not isinstance(events, list):
        raise SessionViewError("events: not a list")
    return SessionRecord(
        sid=str(body.get("sid") or ""),
        user=str(body.get("user") or ""),
        generation=_int(body, "generation"),
        rotations=_int(body, "rotations"),
        created_at=_required_time(body, "created_at"),
        rotated_at=_time(body, "rotated_at"),
        last_activity=_time(body, "last_activity"),
        idle_expires_at=_time(body, "idle_expires_at"),
        refresh_expires_at=_time(body, "refresh_expires_at"),
        session_expires_at=_time(body, "session_expires_at"),
        revoked=bool(body.get("revoked")),
        revoked_reason=body.get("revoked_reason"),
        revoked_at=_time(body, "revoked_at"),
        events=tuple(_entry(raw) for raw in events),
        read_at=read_at,
    )
