"""The `[browser]` section of a target profile: how a person uses the app's pages.

Every value that finds something on a page is a Playwright selector (CSS, `role=button[name=
"Send"]`, `text=Sign in`, `data-testid=send`, `xpath=...`): the browser driver clicks, fills
and reads only what this section names, so it drives any single-page app the same way.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

StorageKind = Literal["localStorage", "sessionStorage", "cookie", "memory"]
_STORED = r"^((localStorage|sessionStorage|cookie):.+|memory)$"


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a regular expression ({exc})") from None
    return value


def _selector(value: str) -> str:
    if not value.strip():
        raise ValueError("an empty selector finds nothing")
    return value


Selector = Annotated[str, AfterValidator(_selector)]
Pattern = Annotated[str, AfterValidator(_regex)]
PagePath = Annotated[str, Field(pattern=r"^/")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LoginPage(_Strict):
    """How the driver knows a page is the login page (after a redirect, say)."""

    url: Pattern | None = None  # a regular expression searched in the page's path
    locator: Selector | None = None  # shown only on the login page
    message: Selector | None = None  # where the login page tells the user why they are there
    reason_param: str | None = None  # the query parameter carrying the app's reason code
    # The query parameter naming where the page goes after sign-in (`next`).
    return_param: str | None = None
    # The app's reason codes in the harness's words ({ expired = "refresh_expired" }); a
    # code missing here is kept as it is.
    reasons: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _recognisable(self) -> Self:
        if self.url is None and self.locator is None:
            raise ValueError("give url (a path pattern) or locator, or both")
        return self


class UserAction(_Strict):
    """One thing a user does and what shows it worked: fill `fill` with the text, click
    `click` (or press Enter in `fill`), then one more element matches `result`."""

    fill: Selector | None = None
    click: Selector | None = None
    result: Selector  # one more of these: the action's answer is on screen
    error: Selector | None = None  # where the page shows that the action failed

    @model_validator(mode="after")
    def _does_something(self) -> Self:
        if self.click is None and self.fill is None:
            raise ValueError("give click, or fill (then Enter submits)")
        return self


class Click(_Strict):
    click: Selector


class Probe(_Strict):
    """What makes the page send the profile's [probe] request (done when its answer is in):
    a control to click, or a script run in the page (an async function of the probe's path
    that makes the request through the app's own client and returns {status})."""

    click: Selector | None = None
    script: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.click is None) == (self.script is None):
            raise ValueError("give exactly one of click or script")
        return self


class Warning_(_Strict):
    """The expiry warning: its container, its "stay signed in" button and its countdown."""

    locator: Selector
    stay: Selector | None = None
    countdown: Selector | None = None  # its seconds: `seconds_attribute`, else its text
    seconds_attribute: str | None = None
    kind_attribute: str | None = None  # an attribute of `locator` saying "idle" or "absolute"
    idle_text: Pattern | None = None  # else: the warning's text matches one of these
    absolute_text: Pattern | None = None


class Storage(_Strict):
    """Where the page keeps its tokens: `localStorage:KEY`, `sessionStorage:KEY`,
    `cookie:NAME` or `memory` (scenarios that restore or steal a token need to know)."""

    access_token: str | None = Field(None, pattern=_STORED)
    refresh_token: str | None = Field(None, pattern=_STORED)

    def where(self, token: Literal["access_token", "refresh_token"]) -> tuple[StorageKind, str]:
        """(`localStorage`, key), (`cookie`, name) or (`memory`, "")."""
        value = getattr(self, token) or "memory"
        kind, _, name = value.partition(":")
        return kind, name  # type: ignore[return-value]


class Browser(_Strict):
    """How a person signs in, works and signs out in the app's pages."""

    login_url: PagePath = "/login"
    app_url: PagePath = "/"  # what a new tab of a signed-in profile opens
    identifier: Selector
    password: Selector
    submit: Selector
    signed_in: Selector | None = None  # shown only once the user is signed in
    signed_in_url: Pattern | None = None  # or: the signed-in app's path matches this
    login_error: Selector | None = None  # where the form says a sign-in was refused
    login_page: LoginPage
    action: UserAction
    stream: UserAction | None = None
    sign_out: Click | None = None
    probe: Probe | None = None
    activity: Selector = "body"  # what a user's click lands on (nothing there is activated)
    warning: Warning_ | None = None
    banner: Selector | None = None  # the connection-problem banner
    refresh_lock: str | None = None  # the Web Locks name the app's refresh holds, if any
    storage: Storage = Storage()
    # The pages write their own auth lifecycle as `auth-event {json}` console lines
    # (docs/browser.md); the driver then reads them beside what it observes itself.
    auth_events: bool = False

    @model_validator(mode="after")
    def _signed_in_known(self) -> Self:
        if self.signed_in is None and self.signed_in_url is None:
            raise ValueError("give signed_in (a locator) or signed_in_url (a path pattern)")
        return self

    def selectors(self) -> dict[str, str]:
        """Every selector by its key (`action.click`), for the preflight's report."""
        found: dict[str, str] = {}
        for key, value in self.model_dump(exclude_none=True).items():
            if isinstance(value, dict):
                found.update({f"{key}.{k}": v for k, v in value.items() if isinstance(v, str)})
            elif isinstance(value, str):
                found[key] = value
        return found
