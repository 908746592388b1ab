"""What explore refuses, and where it keeps its state: cheap to import for the command line."""

from __future__ import annotations

from pathlib import Path

STATE_DIR = Path(".session-harness")  # the example database and the written scenarios


class ExploreError(Exception):
    """Bad input: an unknown profile, an option or regression the target cannot take."""
