"""Why a scenario does not apply to a target (it lacks a clock, a request, a promise).

Raised from deep inside a scenario; the pytest plugin reports the test "not applicable:
<reason>", never as passed and never as failed.
"""

from __future__ import annotations


class NotApplicable(Exception):
    """The target cannot do what the scenario needs; `str()` says what is missing."""
