"""What an app promises about its sessions, as a scenario asks for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from harness.applicability import NotApplicable
from harness.target.model import Policy, TargetProfile

_DURATIONS = (
    "access_ttl_seconds",
    "refresh_ttl_seconds",
    "grace_seconds",
    "idle_timeout_seconds",
    "absolute_seconds",
    "issued_at_leeway_seconds",
)


class NotPromised(NotApplicable):
    """The scenario needs a promise the target profile does not make."""


@dataclass(frozen=True)
class Promise:
    """The profile's [policy] with what the app serves filled in; `require` what you need."""

    policy: Policy
    profile: TargetProfile

    def require(self, name: str) -> timedelta:
        """A promised duration; the scenario is not applicable when it is not promised."""
        if name not in _DURATIONS:
            raise ValueError(f"{name!r} is not a promised duration ({', '.join(_DURATIONS)})")
        value = getattr(self.policy, name)
        if not value:  # unset, or 0: an idle timeout or absolute lifetime of 0 means none
            raise NotPromised(f"needs [policy] {name} in the target profile")
        return timedelta(seconds=value)

    @property
    def access_ttl(self) -> timedelta:
        return self.require("access_ttl_seconds")

    @property
    def refresh_ttl(self) -> timedelta:
        return self.require("refresh_ttl_seconds")

    @property
    def idle_timeout(self) -> timedelta | None:
        """None when the app has no idle timeout (or does not promise one)."""
        value = self.policy.idle_timeout_seconds
        return timedelta(seconds=value) if value else None

    @property
    def absolute(self) -> timedelta | None:
        value = self.policy.absolute_seconds
        return timedelta(seconds=value) if value else None

    def reason(self, name: str) -> str | None:
        """`name` when the app's refusals can say it, else None (then any reason will do)."""
        errors = self.profile.errors
        return name if errors.native or name in errors.reasons.values() else None
