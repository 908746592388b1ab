"""Target profiles: one app's session contract (paths, fields, cookies, errors, promises)."""

from __future__ import annotations

from harness.target.loading import ProfileError, bundled_profiles, load_profile, parse_profile
from harness.target.locations import Location, Reply
from harness.target.model import TargetProfile, User
from harness.target.promise import NotPromised, Promise

__all__ = [
    "Location",
    "NotPromised",
    "ProfileError",
    "Promise",
    "Reply",
    "TargetProfile",
    "User",
    "bundled_profiles",
    "load_profile",
    "parse_profile",
]
