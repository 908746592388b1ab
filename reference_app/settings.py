"""The one source of truth for every TTL, threshold and switch of the reference app."""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from reference_app import regressions
from reference_app.client_constants import CLIENT_CONSTANTS


class DemoUser(BaseModel):
    email: str = Field(min_length=3)
    password: SecretStr
    name: str = Field(min_length=1)


DEFAULT_DEMO_USERS = (
    DemoUser(email="alice@example.com", password=SecretStr("wonderland"), name="Alice"),
    DemoUser(email="bob@example.com", password=SecretStr("builder"), name="Bob"),
)


# An upper bound on every duration, so that `now + duration` is always a valid datetime.
_TEN_YEARS = 10 * 366 * 86400


class SettingsError(ValueError):
    """Invalid configuration; `str()` is a single line fit for a CLI."""


class Settings(BaseSettings):
    """Every field is read from `REFAPP_<FIELD>` (e.g. `REFAPP_ACCESS_TTL_SECONDS`)."""

    model_config = SettingsConfigDict(env_prefix="REFAPP_", frozen=True, extra="forbid")

    access_ttl_seconds: int = Field(1800, gt=0, le=_TEN_YEARS)
    refresh_ttl_seconds: int = Field(604800, gt=0, le=_TEN_YEARS)
    session_max_seconds: int = Field(2592000, gt=0, le=_TEN_YEARS)
    idle_timeout_seconds: int = Field(3600, ge=0, le=_TEN_YEARS)  # 0 disables the idle timeout
    rotation_grace_seconds: int = Field(10, ge=0, le=_TEN_YEARS)
    refresh_threshold_seconds: int = Field(300, ge=0, le=_TEN_YEARS)
    warning_lead_seconds: int = Field(120, ge=0, le=_TEN_YEARS)
    activity_write_interval_seconds: int = Field(30, ge=0, le=_TEN_YEARS)
    test_clock: bool = False
    mongodb_uri: str = "mongomock://"
    # A round trip for every session-store call of the embedded database, on worker threads,
    # as a networked MongoDB has: concurrent requests then interleave as in production
    # (concurrency scenarios run the app this way). 0: instant, on the event loop.
    store_latency_ms: int = Field(0, ge=0, le=1000)
    jwt_secret: SecretStr | None = None
    regressions: Annotated[frozenset[str], NoDecode] = frozenset()
    demo_users: tuple[DemoUser, ...] = DEFAULT_DEMO_USERS
    # OWASP's minimum argon2id parameters; tests may lower them to keep logins cheap.
    password_hash_memory_kib: int = Field(19456, ge=8)
    password_hash_time_cost: int = Field(2, ge=1)
    # Password checks running at once; each holds `password_hash_memory_kib` while it runs.
    password_hash_concurrency: int = Field(4, ge=1, le=256)
    # Failed sign-ins allowed per window before 429 (0 disables); successes never count.
    login_failures_per_account: int = Field(10, ge=0, le=1_000_000)
    login_failures_per_address: int = Field(50, ge=0, le=1_000_000)
    login_failure_window_seconds: int = Field(300, gt=0, le=_TEN_YEARS)

    @field_validator("regressions", mode="before")
    @classmethod
    def _split_regressions(cls, value: Any) -> Any:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("regressions")
    @classmethod
    def _known_regressions(cls, value: frozenset[str]) -> frozenset[str]:
        unknown = sorted(value - regressions.KNOWN)
        if unknown:
            known = ", ".join(sorted(regressions.KNOWN))
            raise ValueError(f"unknown regression {', '.join(unknown)} (known: {known})")
        return value

    @field_validator("mongodb_uri")
    @classmethod
    def _supported_uri(cls, value: str) -> str:
        if not value.startswith(("mongomock://", "mongodb://", "mongodb+srv://")):
            raise ValueError("must start with mongomock://, mongodb:// or mongodb+srv://")
        return value

    @field_validator("jwt_secret")
    @classmethod
    def _long_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("must be at least 32 characters")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.refresh_threshold_seconds >= self.access_ttl_seconds:
            raise ValueError(
                "REFAPP_REFRESH_THRESHOLD_SECONDS must be shorter than REFAPP_ACCESS_TTL_SECONDS"
            )
        if self.idle_timeout_seconds and self.warning_lead_seconds >= self.idle_timeout_seconds:
            raise ValueError(
                "REFAPP_WARNING_LEAD_SECONDS must be shorter than REFAPP_IDLE_TIMEOUT_SECONDS"
            )
        if self.warning_lead_seconds >= self.session_max_seconds:
            raise ValueError(
                "REFAPP_WARNING_LEAD_SECONDS must be shorter than REFAPP_SESSION_MAX_SECONDS"
            )
        return self

    def to_client_config(self) -> dict[str, Any]:
        """The client-facing subset served by `GET /api/auth/config`."""
        return {
            "access_ttl_seconds": self.access_ttl_seconds,
            "refresh_ttl_seconds": self.refresh_ttl_seconds,
            "session_max_seconds": self.session_max_seconds,
            "idle_timeout_seconds": self.idle_timeout_seconds,
            "rotation_grace_seconds": self.rotation_grace_seconds,
            "refresh_threshold_seconds": self.refresh_threshold_seconds,
            "warning_lead_seconds": self.warning_lead_seconds,
            "regressions": sorted(self.regressions),
            "client": CLIENT_CONSTANTS.model_dump(mode="json"),
        }


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment plus `overrides`; raises SettingsError with one line."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"])
    where = f"REFAPP_{field.upper()}: " if field else ""
    message = str(first["msg"]).removeprefix("Value error, ")
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"invalid settings: {where}{message}{more}"
