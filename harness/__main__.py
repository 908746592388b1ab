"""`python -m harness` is `session-harness`."""

from __future__ import annotations

from harness.cli import main

raise SystemExit(main())
