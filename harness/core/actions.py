"""What a tab machine tells its driver to do, and what the driver tells it back.

A driver performs each action and, for those that wait (`awaits`), answers with a reply:
a `Send` with an `Answer` or a `NetworkFailed`, an `AcquireLock` with `LockTaken`, and so on.
The other actions are things to show or record; the driver answers them with None.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Literal

from harness.core.timers import WarningKind
from harness.core.tokens import AccessToken
from harness.target.contract import Grant

Sending = Literal["api", "refresh"]
LockScope = Literal["profile", "tab"]  # the profile's lock, or the tab's own (per_tab_lock)
RefreshReason = Literal["proactive", "reactive", "timer"]
# Why a refresh got no token: every try failed on the network or the server, the app
# refused it, or the profile held nothing to refresh with.
FailureCause = Literal["unreachable", "refused", "missing"]


@dataclass(frozen=True)
class Action:
    awaits: ClassVar[bool] = False  # whether the machine waits for a reply to it


# -- actions that wait for a reply -------------------------------------------------------


@dataclass(frozen=True)
class Send(Action):
    """Send the flow's request (the user's, or the refresh) with `token` as access token."""

    awaits: ClassVar[bool] = True
    sending: Sending
    token: str | None


@dataclass(frozen=True)
class AcquireLock(Action):
    """Wait for the refresh lock; after `timeout_s` take it anyway (a frozen holder)."""

    awaits: ClassVar[bool] = True
    scope: LockScope
    timeout_s: float


@dataclass(frozen=True)
class Sleep(Action):
    """Back off before refresh try `attempt + 1` (the last one failed with `error`)."""

    awaits: ClassVar[bool] = True
    seconds: float
    attempt: int
    error: str


@dataclass(frozen=True)
class JoinFlight(Action):
    """Wait for the refresh already in flight in this tab; reply with where it `Landed`."""

    awaits: ClassVar[bool] = True


@dataclass(frozen=True)
class Heartbeat(Action):
    """Send the profile's cheap authenticated request (its own flow); reply when it is done."""

    awaits: ClassVar[bool] = True


# -- actions that only show or record ----------------------------------------------------


@dataclass(frozen=True)
class Touch(Action):
    """An API call: the profile's last-activity (and last-API-call) time moves to now."""


@dataclass(frozen=True)
class TakeOff(Action):
    """A refresh flight begins in this tab: requests arriving now join it."""


@dataclass(frozen=True)
class Land(Action):
    """The tab's refresh flight is over; those who joined get `token` (None: no token)."""

    token: AccessToken | None


@dataclass(frozen=True)
class ReleaseLock(Action):
    scope: LockScope
    owned: bool  # False after a steal: the lock is the frozen holder's to release


@dataclass(frozen=True)
class RefreshBegins(Action):
    reason: RefreshReason


@dataclass(frozen=True)
class Adopt(Action):
    """Take a token another tab refreshed (found by the re-check inside the lock)."""

    token: AccessToken


@dataclass(frozen=True)
class Store(Action):
    """The refresh succeeded: keep `token` and broadcast it to the profile's other tabs."""

    token: AccessToken


@dataclass(frozen=True)
class RefreshFails(Action):
    error: str
    fatal: bool
    cause: FailureCause


@dataclass(frozen=True)
class ShowBanner(Action):
    message: str


@dataclass(frozen=True)
class Rejected(Action):
    """The app refused the access token of a request (`retried`: of its one retry)."""

    reason: str
    retried: bool


@dataclass(frozen=True)
class ShowWarning(Action):
    kind: WarningKind
    seconds_left: float


@dataclass(frozen=True)
class IdleLogout(Action):
    """The client's own idle timer ran out (a SignOut with `session_idle` follows)."""


@dataclass(frozen=True)
class SignOut(Action):
    """Broadcast `signed_out`: every tab of the profile goes to the login page with `message`."""

    reason: str
    message: str


# -- replies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """The app's answer: its status, the refusal's reason, and for a granted refresh its grant.

    `rejected`: the status is one the app refuses an access token with (the profile says).
    """

    status: int
    reason: str = ""
    rejected: bool = False
    grant: Grant | None = None
    received_at: datetime | None = None  # the client's clock when the grant arrived


@dataclass(frozen=True)
class NetworkFailed:
    error: str


@dataclass(frozen=True)
class Unsendable:
    """The refresh request cannot be built: the profile holds nothing to refresh with."""


@dataclass(frozen=True)
class LockTaken:
    stolen: bool = False  # taken after the timeout from a holder that never let go


@dataclass(frozen=True)
class Woke:
    """The backoff's sleep is over."""


@dataclass(frozen=True)
class Landed:
    token: AccessToken | None


@dataclass(frozen=True)
class Done:
    """The heartbeat's request is over, whatever it got."""


Reply = Answer | NetworkFailed | Unsendable | LockTaken | Woke | Landed | Done


# -- how a user's request ends -----------------------------------------------------------


@dataclass(frozen=True)
class Delivered:
    """The last answer goes to the caller (a success, or a refusal that is not retried)."""


@dataclass(frozen=True)
class Offline:
    """No answer could be had: the network failed and no token is left to try (banner)."""

    message: str


@dataclass(frozen=True)
class Ended:
    """The tab is on the login page (now, or already before the request)."""

    reason: str
    message: str | None


Outcome = Delivered | Offline | Ended
