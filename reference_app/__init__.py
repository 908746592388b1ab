"""The reference app: a complete auth system (rotation, grace, reuse detection) and a chat."""

from __future__ import annotations

from reference_app.app import create_app
from reference_app.clock import Clock
from reference_app.settings import Settings, SettingsError, load_settings

__all__ = ["Clock", "Settings", "SettingsError", "create_app", "load_settings"]
