"""What the tabs of one browser profile share: the token broadcast, activity, the session."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from harness.core.policy import ClientPolicy
from harness.core.tokens import AccessToken


class TabPeer(Protocol):
    """A tab as the profile sees it (BroadcastChannel and storage events reach it)."""

    @property
    def in_session(self) -> bool:
        """The tab shows the signed-in app (not the login page)."""

    def adopt(self, token: AccessToken) -> None: ...

    def activity_seen(self) -> None: ...

    def to_login(self, reason: str, message: str | None, *, redirect: bool) -> None: ...


class ProfileState:
    """One profile's shared state: the last broadcast token, activity, the session's status.

    In a browser these are BroadcastChannel, localStorage and the cookie jar; a simulated
    profile and a load-test user each keep one of these and tell it what happened.
    """

    def __init__(self, policy: ClientPolicy, *, skew: timedelta = timedelta(0)) -> None:
        self.policy = policy
        self.skew = skew  # the client's clock minus the virtual (server) clock
        self.tabs: list[TabPeer] = []
        self.token: AccessToken | None = None  # the last token broadcast to every tab
        self.refresh_token: str | None = None  # held by the client when not in a cookie
        self.session_open = False
        self.login_token: AccessToken | None = None  # names the last session (kept after it)
        self.last_activity: datetime | None = None  # virtual time of the last action or call
        self.last_api_call: datetime | None = None  # the server saw activity then
        self.heartbeat_inflight = False
        self.refresh_locks_held = 0  # tabs inside the profile's refresh lock (stolen ones too)
        self._refresh_tokens_seen: set[str] = set()

    def session_started(self, token: AccessToken, now: datetime) -> None:
        self.session_open = True
        self.token = self.login_token = token
        self.touch(now, api=True)  # the login itself was an API call

    def new_refresh_token(self, value: str | None) -> bool:
        """Whether `value` is a refresh token this profile never had: a rotation.

        A grace-window answer hands several tabs the same new token; it counts once.
        """
        if value is None or value in self._refresh_tokens_seen:
            return False
        self._refresh_tokens_seen.add(value)
        return True

    def broadcast(self, token: AccessToken, sender: TabPeer) -> None:
        """BroadcastChannel: every other tab adopts the new token without a request."""
        if not self.policy.shared_lock:
            return
        self.token = token
        for tab in self.tabs:
            if tab is not sender and tab.in_session:
                tab.adopt(token)

    def touch(self, now: datetime, *, api: bool = False) -> None:
        """A user action or API call: the shared last-activity time moves to now."""
        self.last_activity = now
        if api:
            self.last_api_call = now
        for tab in self.tabs:
            tab.activity_seen()

    @property
    def idle_timeout(self) -> timedelta | None:
        seconds = self.policy.idle_timeout_seconds
        return timedelta(seconds=seconds) if seconds else None

    def heartbeat_due(self, now: datetime) -> bool:
        """The user acted after the last API call, which is older than the heartbeat period."""
        idle = self.idle_timeout
        if idle is None or self.heartbeat_inflight or self.last_activity is None:
            return False
        if self.policy.has("no_heartbeat"):
            return False
        if self.last_api_call is None:
            return True
        period = min(timedelta(seconds=self.policy.heartbeat_max_seconds), idle / 4)
        if self.policy.has("heartbeat_every_activity"):
            period = timedelta(0)
        return self.last_activity > self.last_api_call and now - self.last_api_call >= period

    def sign_out(self, reason: str, message: str | None, *, redirect: bool) -> None:
        """Broadcast `signed_out`: every tab of the profile goes to the login page."""
        self.session_open = False
        self.token = None
        self.refresh_token = None
        for tab in self.tabs:
            if tab.in_session:
                tab.to_login(reason, message, redirect=redirect)
