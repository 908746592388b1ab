"""Recorded sign-ins (HAR files) turned into target profiles."""

from __future__ import annotations

from harness.recording.command import Inferred, profile_from_har
from harness.recording.har import HarError

__all__ = ["HarError", "Inferred", "profile_from_har"]
