"""One vocabulary for both drivers: what a scenario does with a browser profile and its tabs.

A simulated tab (`harness.client.Tab`, httpx in this process) and a Chromium tab
(`harness.browser.BrowserTab`, the real frontend) are the same idea. Both implement
`TabDriver` and raise the exceptions below; their profiles implement `ProfileDriver`. So a
scenario written against these runs with either driver: `@pytest.mark.drivers("api",
"browser")` runs it once with each. What one driver cannot do raises `Unsupported`, which
the plugin reports as not applicable.

What a tab shows (signed in, the login page's message, the banner, the warning) is read
with `await`: a browser has to look at the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from harness.applicability import NotApplicable
from harness.core.timers import WarningKind

if TYPE_CHECKING:
    from harness.core.policy import ClientOptions, ClientPolicy
    from harness.faults import Network
    from harness.target import User

Driver = Literal["api", "browser"]
DRIVERS: tuple[Driver, ...] = ("api", "browser")


class SignedOut(Exception):
    """The tab is on the login page (`reason` is the app's code or "logout")."""

    def __init__(self, reason: str, message: str | None) -> None:
        super().__init__(f"signed out ({reason}): {message or 'no message'}")
        self.reason = reason
        self.message = message


class LoginFailed(Exception):
    """The login form was rejected; `error` is the API error code."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(f"login failed with {status} {error}")
        self.status = status
        self.error = error


class ConnectionProblem(Exception):
    """A non-fatal failure: the network let the tab down but the user is still signed in."""


class ActionFailed(Exception):
    """The app answered the user's action with an error that is not a sign-out (a 500)."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(f"the app answered {status} {error}".rstrip())
        self.status = status
        self.error = error


class Unsupported(NotApplicable):
    """The scenario asked for something this driver or target cannot do; `str()` says why."""


@dataclass(frozen=True)
class ExpiryWarning:
    """The warning dialog on screen: idle or absolute sign-out in `seconds_left`."""

    kind: WarningKind
    seconds_left: float


class Answer(Protocol):
    """An HTTP answer the user's page got (an httpx response, or the browser's status)."""

    @property
    def status_code(self) -> int: ...


class TabDriver(Protocol):
    """One page of a profile: what the user does in it and what it shows."""

    @property
    def name(self) -> str: ...

    async def login(self, identifier: str | None = None, password: str | None = None) -> None:
        """Sign in from the login page: the profile's user unless other credentials are given."""

    async def chat(self, text: str) -> str:
        """The user's action ([action]: the chat message) with `text`; the reply's text."""

    async def stream_chat(self, text: str) -> str:
        """The streamed action ([stream]) through the same auth path; the whole reply."""

    async def probe(self) -> Answer:
        """The page's own cheap authenticated request ([probe]); counts as activity."""

    async def activity(self) -> None:
        """A click or a key press: the profile's idle timer starts again."""

    async def stay_signed_in(self) -> None:
        """The warning's button: activity plus the probe request."""

    async def logout(self) -> None:
        """Sign out here; every tab of the profile goes to the login page."""

    async def signed_in(self) -> bool: ...

    async def login_reason(self) -> str | None:
        """Why the tab is on the login page (the app's code, "logout"); None while signed in."""

    async def login_message(self) -> str | None:
        """What the login page tells the user; None while signed in or without a message."""

    async def banner(self) -> str | None:
        """The connection-problem banner's text, None when it is not shown."""

    async def warning(self) -> ExpiryWarning | None: ...

    async def hide(self) -> None:
        """The page reports itself hidden (a background tab, a closed laptop)."""

    async def show(self) -> None: ...

    async def freeze_holding_lock(self) -> None:
        """Take the profile's refresh lock and never give it back, as a tab frozen mid-refresh."""


class ProfileDriver(Protocol):
    """One browser profile of one user: cookies, storage, a refresh lock, its tabs."""

    @property
    def name(self) -> str: ...

    @property
    def user(self) -> User | None: ...

    @property
    def options(self) -> ClientOptions: ...

    @property
    def policy(self) -> ClientPolicy:
        """The refresh algorithm's numbers and texts for this profile (served, then options)."""

    @property
    def network(self) -> Network:
        """Break the network on purpose: `offline`, `fail_next(path)`, `lose_next_response`."""

    @property
    def tabs(self) -> Sequence[TabDriver]: ...

    async def login(self, identifier: str | None = None, password: str | None = None) -> TabDriver:
        """Open a tab and sign in from its login page (as the profile's user by default)."""

    async def open_tab(self, name: str | None = None) -> TabDriver:
        """Open a tab; it shares the profile's session if there is one (no login needed)."""

    @property
    def login_access_token(self) -> str | None:
        """The access token of the profile's last sign-in: it names that session for the
        server's session view (None before any sign-in)."""

    async def cookies(self) -> dict[str, str]:
        """A copy of the profile's cookie jar by name."""

    async def current_refresh_token(self) -> str | None:
        """The refresh token the profile holds now (its cookie, or the one the client keeps)."""

    async def present_refresh_token(
        self,
        value: str,
        *,
        cookies: dict[str, str] | None = None,
        purpose: Literal["refresh", "logout"] = "refresh",
    ) -> Answer:
        """A refresh presenting `value` outside the refresh algorithm (a replay, a thief);
        with `purpose="logout"`, a logout presenting it (a stale tab, a forged cookie)."""

    async def present_access_token(self, value: str) -> Answer:
        """The [probe] request with `value` as its access token (none when empty), outside
        the refresh algorithm: a token replayed after logout, a forged one."""
