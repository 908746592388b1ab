"""The session conformance suite: black-box checks any token-based app can be held to.

`session-harness check --target FILE` runs the bundled checks (scenarios/conformance) and
prints one verdict per check: pass, fail, warn or not applicable, with its reference.
"""

from __future__ import annotations
