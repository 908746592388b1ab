"""`session-harness explore`: a Hypothesis search for the schedule that logs a user out.

Rules open tabs, act in them (alone or together), let time pass, and break or slow the
refresh path; the invariant is the target's promise. A failure is shrunk, printed in plain
words and written as a pytest scenario (docs/explore.md).
"""

from __future__ import annotations

from harness.explore.runner import Exploration, ExploreError, run_explore

__all__ = ["Exploration", "ExploreError", "run_explore"]
