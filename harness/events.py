"""Typed session events: what clients, browser tabs and load users record, and reports read."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from harness._realtime import wall_seconds


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every event: virtual time (`at`), real time since the recorder started (`wall`)."""

    kind: ClassVar[str] = "event"
    at: datetime
    wall: float
    source: str = "api"  # "api" (simulated client), "browser", "load", "clock"
    profile: str = ""
    tab: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["kind"] = self.kind
        data["at"] = self.at.isoformat()
        for key, value in data.items():
            if isinstance(value, datetime):
                data[key] = value.isoformat()
        return data


@dataclass(frozen=True, kw_only=True)
class RequestSent(Event):
    """`purpose` names the profile's request (login, refresh, probe...) or "api" for others."""

    kind: ClassVar[str] = "request"
    method: str
    path: str
    purpose: str = "api"


@dataclass(frozen=True, kw_only=True)
class ResponseReceived(Event):
    kind: ClassVar[str] = "response"
    method: str
    path: str
    status: int
    purpose: str = "api"
    error: str | None = None  # the harness's reason for a refusal


@dataclass(frozen=True, kw_only=True)
class Exchange(Event):
    """One request and its answer as evidence for a verdict; tokens and passwords redacted.

    `label` says why the request was made ("replay the first refresh token"); `status` is None
    when no answer came (a network error, described in `response`).
    """

    kind: ClassVar[str] = "exchange"
    label: str
    method: str
    path: str
    purpose: str
    status: int | None
    request: str
    response: str


@dataclass(frozen=True, kw_only=True)
class Unauthorized(Event):
    """A 401 on an API request (not on the refresh call itself)."""

    kind: ClassVar[str] = "unauthorized"
    path: str
    error: str


@dataclass(frozen=True, kw_only=True)
class LoggedIn(Event):
    kind: ClassVar[str] = "logged_in"
    access_expires_at: datetime | None  # None: the app does not say (an opaque token)
    session_expires_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class RefreshStarted(Event):
    kind: ClassVar[str] = "refresh_started"
    reason: str  # "proactive", "reactive", "timer"


@dataclass(frozen=True, kw_only=True)
class RefreshSucceeded(Event):
    kind: ClassVar[str] = "refresh_succeeded"
    access_expires_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class RefreshRetry(Event):
    kind: ClassVar[str] = "refresh_retry"
    attempt: int
    delay_s: float
    error: str


@dataclass(frozen=True, kw_only=True)
class RefreshFailed(Event):
    """`fatal` failures sign the user out; non-fatal ones show a banner and keep the session."""

    kind: ClassVar[str] = "refresh_failed"
    error: str
    fatal: bool


@dataclass(frozen=True, kw_only=True)
class TokenAdopted(Event):
    """A tab took a token another tab of its profile had just refreshed."""

    kind: ClassVar[str] = "token_adopted"
    access_expires_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class Rotation(Event):
    """The server rotated a refresh token (seen by a client as a changed cookie)."""

    kind: ClassVar[str] = "rotation"


@dataclass(frozen=True, kw_only=True)
class RedirectToLogin(Event):
    kind: ClassVar[str] = "redirect_to_login"
    reason: str
    message: str


@dataclass(frozen=True, kw_only=True)
class WarningShown(Event):
    kind: ClassVar[str] = "warning_shown"
    warning: str  # "idle" or "absolute"
    seconds_left: float


@dataclass(frozen=True, kw_only=True)
class WarningDismissed(Event):
    kind: ClassVar[str] = "warning_dismissed"
    warning: str


@dataclass(frozen=True, kw_only=True)
class IdleLogout(Event):
    kind: ClassVar[str] = "idle_logout"


@dataclass(frozen=True, kw_only=True)
class LoggedOut(Event):
    kind: ClassVar[str] = "logged_out"
    reason: str


@dataclass(frozen=True, kw_only=True)
class NetworkError(Event):
    kind: ClassVar[str] = "network_error"
    path: str
    error: str


@dataclass(frozen=True, kw_only=True)
class BannerShown(Event):
    kind: ClassVar[str] = "banner_shown"
    message: str


@dataclass(frozen=True, kw_only=True)
class ConsoleError(Event):
    kind: ClassVar[str] = "console_error"
    message: str


@dataclass(frozen=True, kw_only=True)
class ClockAdvanced(Event):
    kind: ClassVar[str] = "clock_advanced"
    seconds: float
    mode: str  # "run_for" or "fast_forward"


@dataclass(frozen=True, kw_only=True)
class Artifact(Event):
    """A file attached to the test's report: a screenshot or a Playwright trace."""

    kind: ClassVar[str] = "artifact"
    path: str
    label: str


EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (
        RequestSent,
        ResponseReceived,
        Exchange,
        Unauthorized,
        LoggedIn,
        RefreshStarted,
        RefreshSucceeded,
        RefreshRetry,
        RefreshFailed,
        TokenAdopted,
        Rotation,
        RedirectToLogin,
        WarningShown,
        WarningDismissed,
        IdleLogout,
        LoggedOut,
        NetworkError,
        BannerShown,
        ConsoleError,
        ClockAdvanced,
        Artifact,
    )
}


E = TypeVar("E", bound=Event)


_DATETIME_FIELDS: dict[str, frozenset[str]] = {
    kind: frozenset(f.name for f in dataclasses.fields(cls) if "datetime" in str(f.type))
    for kind, cls in EVENT_TYPES.items()
}


def event_from_dict(data: Mapping[str, Any]) -> Event:
    """The inverse of `Event.to_dict()` (how events cross from a pytest-xdist worker)."""
    kind = data["kind"]
    dates = _DATETIME_FIELDS[kind]
    values: dict[str, Any] = {
        name: datetime.fromisoformat(value) if name in dates and value is not None else value
        for name, value in data.items()
        if name != "kind"
    }
    return EVENT_TYPES[kind](**values)


@dataclass
class Recorder:
    """Collects the events of one test or run; thread-safe."""

    events: list[Event] = field(default_factory=list)
    started: float = field(default_factory=wall_seconds)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wall(self) -> float:
        """Real seconds since the recorder started (never frozen by freezegun)."""
        return wall_seconds() - self.started

    def emit(self, event: Event) -> Event:
        with self._lock:
            self.events.append(event)
        return event

    def of_kind(self, kind: type[E]) -> list[E]:
        """Every event of this type, in order."""
        return [e for e in self.events if isinstance(e, kind)]

    def count(self, kind: type[Event], *, profile: str | None = None) -> int:
        return sum(1 for e in self.of_kind(kind) if profile is None or e.profile == profile)

    def __iter__(self) -> Iterator[Event]:
        return iter(list(self.events))

    def __len__(self) -> int:
        return len(self.events)
