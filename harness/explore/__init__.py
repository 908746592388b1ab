"""`session-harness explore`: a Hypothesis search for the schedule that logs a user out.

Rules open tabs, act in them (alone or together), let time pass, and break or slow the
refresh path; the invariant is the target's promise. A failure is shrunk, printed in plain
words and written as a pytest scenario (docs/explore.md). Hypothesis loads on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from harness.explore.errors import ExploreError

if TYPE_CHECKING:
    from harness.explore.runner import Exploration, run_explore

__all__ = ["Exploration", "ExploreError", "run_explore"]


def __getattr__(name: str) -> Any:
    if name in ("Exploration", "run_explore"):
        return getattr(import_module("harness.explore.runner"), name)
    raise AttributeError(f"module 'harness.explore' has no attribute {name!r}")
