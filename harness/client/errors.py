"""What a tab action raises when the simulated user cannot get what they asked for."""

from __future__ import annotations

from harness.applicability import NotApplicable


class SignedOut(Exception):
    """The tab is on the login page (`reason` is the 401 code or "logout")."""

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


class Unsupported(NotApplicable):
    """The scenario asked for something the target profile does not declare (e.g. [stream])."""
