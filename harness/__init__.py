"""session-harness: prove a web app never throws an active user back to the login page."""

from __future__ import annotations

from harness.events import Event, Recorder

__all__ = ["Event", "Recorder"]
__version__ = "0.1.0"
