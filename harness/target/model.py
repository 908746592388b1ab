"""The target profile: one app's session contract, as a QA engineer writes it in TOML."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SecretStr,
    field_validator,
    model_validator,
)

from harness.applicability import NotApplicable
from harness.target import defaults, templates
from harness.target.browser import Browser
from harness.target.locations import Location


def _location(value: Any) -> Any:
    return Location.parse(value) if isinstance(value, str) else value


# A location as TOML writes it ("json:/access_token"), parsed at validation.
Loc = Annotated[Location, BeforeValidator(_location), PlainSerializer(str)]
Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
ClockMode = Literal["endpoint", "real", "none"]
# The reasons the harness's client acts on (docs/target-profiles.md, "Reasons").
Reason = Literal[
    "token_expired", "token_invalid", "token_missing", "token_rejected",
    "refresh_missing", "refresh_invalid", "refresh_expired", "refresh_reused", "refresh_rejected",
    "session_idle", "session_expired", "session_revoked", "csrf_failed",
    "invalid_credentials", "rate_limited",
]  # fmt: skip
# Shared-key algorithms the harness signs tokens with (never `none`: it signs nothing).
SIGNING_ALGORITHMS = ("HS256", "HS384", "HS512")
_REQUESTS = ("login", "refresh", "logout", "logout_all", "probe", "action", "stream")
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class User(_Strict):
    """A person the harness signs in as; the password may come from the environment."""

    name: str = Field(pattern=_NAME.pattern)
    identifier: str = Field(min_length=1)
    password: SecretStr | None = None
    password_env: str | None = None

    @model_validator(mode="after")
    def _one_password(self) -> Self:
        if (self.password is None) == (self.password_env is None):
            raise ValueError("give exactly one of password or password_env")
        if self.password_env is not None and self.password_env not in os.environ:
            raise ValueError(f"environment variable {self.password_env} is not set")
        return self

    def secret(self) -> str:
        if self.password is not None:
            return self.password.get_secret_value()
        return os.environ[self.password_env or ""]


class TokenFields(_Strict):
    """Where a token response (login, refresh) carries each value."""

    access_token: Loc
    refresh_token: Loc | None = None
    expires_in: Loc | None = None  # seconds the access token lives (opaque tokens)
    access_expires_at: Loc | None = None  # ISO 8601 or Unix seconds
    session_expires_at: Loc | None = None  # the session's absolute end, when the app tells
    idle_expires_at: Loc | None = None  # when the session ends without activity
    server_time: Loc | None = None  # for clock skew (ISO 8601, Unix seconds or an HTTP date)

    @field_validator("refresh_token")
    @classmethod
    def _not_a_header(cls, value: Location | None) -> Location | None:
        if value is not None and value.source == "header":
            raise ValueError("a refresh token comes back in a JSON body or a cookie, not a header")
        return value


class Request(_Strict):
    """One HTTP request the harness sends: method, path, body template, headers."""

    method: Method = "POST"
    path: str = Field(pattern=r"^/")
    body: Literal["json", "form", "none"] | None = None  # default: json when fields are given
    fields: dict[str, Any] = Field(default_factory=dict)
    headers: dict[str, str] = Field(default_factory=dict)
    auth: bool = False  # send the access token (the [access] headers)

    @property
    def encoding(self) -> Literal["json", "form", "none"]:
        if self.body is not None:
            return self.body
        return "json" if self.fields else "none"

    def templated(self) -> dict[str, Any]:
        return {"fields": self.fields, "headers": self.headers, "path": self.path}


class Login(Request):
    tokens: TokenFields | None = None  # overrides [tokens] for the login response

    @model_validator(mode="after")
    def _fields_known(self) -> Self:
        templates.check(self.templated(), templates.LOGIN_VALUES)
        return self


class Refresh(Request):
    tokens: TokenFields | None = None  # overrides [tokens] for the refresh response

    @model_validator(mode="after")
    def _fields_known(self) -> Self:
        templates.check(self.templated(), templates.REFRESH_VALUES)
        return self


class Authed(Request):
    """A request made with the access token: logout, probe, action, stream."""

    auth: bool = True

    @model_validator(mode="after")
    def _fields_known(self) -> Self:
        templates.check(self.templated(), templates.AUTHED_VALUES)
        return self


class Probe(Authed):
    """The cheap authenticated request, and where its answer announces the session's deadlines
    (what a frontend reads on load to schedule its refresh and its idle warning)."""

    access_expires_at: Loc | None = None
    idle_expires_at: Loc | None = None
    session_expires_at: Loc | None = None

    @property
    def announcing(self) -> tuple[Location, ...]:
        found = (self.access_expires_at, self.idle_expires_at, self.session_expires_at)
        return tuple(location for location in found if location is not None)

    @property
    def announcing_in_json(self) -> bool:
        return all(location.source == "json" for location in self.announcing)


class Logout(Authed):
    """Ending the session: with the refresh cookie or token; the access token only if `auth`."""

    auth: bool = False


class Action(Authed):
    reply: Loc | None = None  # where the reply text is (default: the whole body as text)


class Stream(Authed):
    """A streaming request (server-sent events): the same tokens, read chunk by chunk."""

    chunk_event: str | None = None  # only `event: <this>` chunks (default: every data line)
    chunk_text: Loc | None = None  # JSON pointer into each chunk's data (default: the raw data)

    @field_validator("chunk_text")
    @classmethod
    def _json_only(cls, value: Location | None) -> Location | None:
        if value is not None and value.source != "json":
            raise ValueError("chunk_text is a json:/pointer into each event's data")
        return value


class Access(_Strict):
    """How API requests carry the access token and how the app refuses one."""

    headers: dict[str, str] = Field(
        default_factory=lambda: {"Authorization": "Bearer {access_token}"}
    )
    rejected_status: list[int] = Field(default_factory=lambda: [401], min_length=1)
    # Test deployments only: the environment variable holding the app's token signing key,
    # so the harness can sign tokens the app never issued (docs/target-profiles.md).
    signing_key_env: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    signing_algorithm: str | None = None  # default: the `alg` of the tokens the app issues
    subject_claim: str = Field("sub", min_length=1)
    session_claim: str = Field("sid", min_length=1)
    type_claim: str = Field("typ", min_length=1)

    @field_validator("signing_algorithm")
    @classmethod
    def _hmac(cls, value: str | None) -> str | None:
        if value is not None and value not in SIGNING_ALGORITHMS:
            known = ", ".join(SIGNING_ALGORITHMS)
            raise ValueError(f"{value!r} is not an algorithm the harness signs with ({known})")
        return value

    @field_validator("headers")
    @classmethod
    def _known(cls, value: dict[str, str]) -> dict[str, str]:
        templates.check(value, frozenset({"access_token"}))
        return value

    @field_validator("rejected_status")
    @classmethod
    def _client_errors(cls, value: list[int]) -> list[int]:
        if any(not 400 <= status < 500 for status in value):
            raise ValueError("rejection statuses are 4xx codes")
        return value


class Errors(_Strict):
    """How an error response tells its reason: a code somewhere, mapped to the harness's reasons,
    and where its words for the user are (`message`)."""

    code: Loc | None = None
    message: Loc | None = None
    reasons: dict[str, Reason] = Field(default_factory=dict)
    native: bool = False  # the app's own codes are the harness's reasons (token_expired, ...)


class Policy(_Strict):
    """What the app promises; each check compares what it sees with this (unset: only report)."""

    access_ttl_seconds: float | None = Field(None, gt=0)
    refresh_ttl_seconds: float | None = Field(None, gt=0)
    refresh_expiry: Literal["sliding", "fixed"] | None = None
    rotation: bool | None = None
    reuse_detection: bool | None = None  # a replayed rotated token revokes the whole family
    grace_seconds: float | None = Field(None, ge=0)
    idle_timeout_seconds: float | None = Field(None, ge=0)  # 0: no idle timeout
    absolute_seconds: float | None = Field(None, gt=0)
    # Access tokens stop working when their session ends (logout, revocation): the app checks
    # the session on each request instead of trusting a self-contained token until it expires.
    access_revocation: bool | None = None
    # How far ahead of the app clock an access token's iat or nbf may lie and still be accepted.
    issued_at_leeway_seconds: float | None = Field(None, ge=0)
    # The cookie endpoints refuse a request whose Origin is another site's, even with the
    # app's own headers (defence in depth beside the CSRF header).
    origin_check: bool | None = None


class Client(_Strict):
    """How the simulated browser client behaves against this app (the algorithm's knobs)."""

    refresh_threshold_seconds: float | None = Field(None, ge=0)  # default: a fifth of the TTL
    tick_seconds: float = Field(defaults.TICK_SECONDS, gt=0)
    retry_delays_seconds: list[float] = Field(default_factory=lambda: list(defaults.RETRY_DELAYS))
    heartbeat_max_seconds: float = Field(defaults.HEARTBEAT_MAX_SECONDS, gt=0)
    lock_timeout_seconds: float = Field(defaults.LOCK_TIMEOUT_SECONDS, gt=0)
    warning_lead_seconds: float = Field(0.0, ge=0)

    @field_validator("retry_delays_seconds")
    @classmethod
    def _non_negative(cls, value: list[float]) -> list[float]:
        if any(delay < 0 for delay in value):
            raise ValueError("retry delays must not be negative")
        return value


class Clock(_Strict):
    """How the harness moves the app's time: `endpoint` (test-clock protocol), `real`, `none`."""

    mode: ClockMode = "none"
    path: str = Field("/__harness__/clock", pattern=r"^/")


class Server(_Strict):
    """How the harness starts the app itself (optional): a command, or an ASGI app in-process."""

    command: list[str] | None = Field(None, min_length=1)  # {port} and {python} are filled in
    asgi: str | None = Field(None, pattern=r"^[\w.]+:[\w.]+$")  # "package.module:app"
    factory: bool = False  # `asgi` names a function that returns the app
    env: dict[str, str] = Field(default_factory=dict)
    settings_env_prefix: str | None = None  # scenario settings become <PREFIX><NAME> variables
    ready_path: str = Field("/", pattern=r"^/")
    startup_timeout_seconds: float = Field(30.0, gt=0)
    cwd: str | None = None  # relative to the profile file

    @model_validator(mode="after")
    def _some_way(self) -> Self:
        if self.command is None and self.asgi is None:
            raise ValueError("give a command, an asgi app, or both")
        if self.command is not None and not any("{port}" in part for part in self.command):
            raise ValueError("the command must contain {port}: the harness picks a free port")
        return self


class Capabilities(_Strict):
    # A read-only view of each session as the server sees it (docs/target-profiles.md).
    session_view: str | None = Field(None, pattern=r"^/")
    config: str | None = Field(None, pattern=r"^/")  # the reference app's session-config protocol
    sessions: str | None = Field(None, pattern=r"^/")  # bulk sessions for load (docs/load.md)


class TargetProfile(_Strict):
    """Everything the harness needs to sign in to an app, keep a session alive and judge it."""

    name: str = Field(pattern=_NAME.pattern)
    base_url: str | None = Field(None, pattern=r"^https?://[^/\s]+(/\S*)?$")
    users: list[User] = Field(min_length=1)
    headers: dict[str, str] = Field(default_factory=dict)  # sent with every request
    tokens: TokenFields
    login: Login
    refresh: Refresh
    logout: Logout | None = None
    logout_all: Authed | None = None
    probe: Probe | None = None  # a cheap authenticated GET (heartbeat, "stay signed in")
    action: Action | None = None  # what a user does (chat, save...): `{text}` is its input
    stream: Stream | None = None
    access: Access = Access()
    errors: Errors = Errors()
    policy: Policy = Policy()
    client: Client = Client()
    clock: Clock = Clock()
    server: Server | None = None
    capabilities: Capabilities = Capabilities()
    browser: Browser | None = None  # how a person uses the app's pages (the browser driver)
    source: Path | None = Field(None, exclude=True)  # the file it was read from

    @field_validator("headers")
    @classmethod
    def _static_headers(cls, value: dict[str, str]) -> dict[str, str]:
        templates.check(value, frozenset())
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        names = [user.name for user in self.users]
        if len(set(names)) != len(names):
            raise ValueError("users: two users share a name")
        if self.base_url is None and (self.server is None or self.server.command is None):
            raise ValueError("base_url: required unless [server] gives a command to start the app")
        self._refresh_token_sent()
        return self

    def _refresh_token_sent(self) -> None:
        """A refresh token the client holds itself (not a cookie) must go into the request."""
        for where in (self.tokens, self.login.tokens, self.refresh.tokens):
            location = where.refresh_token if where is not None else None
            if location is None or location.source == "cookie":
                continue
            if "refresh_token" not in templates.placeholders(self.refresh.templated()):
                raise ValueError(
                    f"refresh: the refresh token comes back at {location} but the refresh "
                    "request never sends it: put {refresh_token} in refresh.fields or "
                    "refresh.headers"
                )

    def user(self, name: str) -> User:
        for user in self.users:
            if user.name == name:
                return user
        known = ", ".join(u.name for u in self.users)
        raise KeyError(f"no user {name!r} in target profile {self.name!r} (known: {known})")

    def path_of(self, purpose: str) -> str:
        """The path of the profile's `purpose` request (login, refresh, action...)."""
        spec = getattr(self, purpose, None) if purpose in _REQUESTS else None
        if not isinstance(spec, Request):
            raise NotApplicable(f"needs a [{purpose}] request in the target profile")
        return spec.path

    def login_tokens(self) -> TokenFields:
        return self.login.tokens or self.tokens

    def refresh_tokens(self) -> TokenFields:
        return self.refresh.tokens or self.tokens

    def tokens_for(self, purpose: Literal["login", "refresh"]) -> TokenFields:
        return self.login_tokens() if purpose == "login" else self.refresh_tokens()

    def refresh_cookie(self) -> str | None:
        """The name of the refresh token's cookie, when the app keeps it in one."""
        location = self.login_tokens().refresh_token
        return location.name if location is not None and location.source == "cookie" else None

    def not_activity(self) -> frozenset[str]:
        """Paths the server does not count as user activity: the session plumbing."""
        paths = {self.login.path, self.refresh.path}
        paths.update(r.path for r in (self.logout, self.logout_all) if r is not None)
        if self.capabilities.config is not None:
            paths.add(self.capabilities.config)
        return frozenset(paths)
