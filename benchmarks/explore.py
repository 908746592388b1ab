"""Time to the first logout and the shrunk schedule's length, per known bug of the reference app.

    .venv/bin/python benchmarks/explore.py [--seconds 60] [--seed 1]

Each case starts cold (an empty example database). Exit 0 when every buggy case is found
within the budget and shrunk to at most MAX_STEPS steps, and the clean app shows nothing.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from harness.client import ClientOptions
from harness.explore import run_explore

MAX_STEPS = 6
PER_TAB_LOCK = ClientOptions(shared_lock=False)
CASES: tuple[tuple[str, ClientOptions, tuple[str, ...]], ...] = (
    ("per_tab_lock + no_reuse_grace", PER_TAB_LOCK, ("no_reuse_grace",)),
    ("per_tab_lock + grace_new_child", PER_TAB_LOCK, ("grace_new_child",)),
    ("no_reuse_grace", ClientOptions(), ("no_reuse_grace",)),
    ("clean", ClientOptions(), ()),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    ok = True
    print(f"{'case':34} {'first failure':>14} {'steps':>6} {'schedules':>10} {'total':>8}")
    for name, options, regressions in CASES:
        with tempfile.TemporaryDirectory() as state:
            outcome = run_explore(
                "reference-app",
                seconds=args.seconds,
                seed_value=args.seed,
                options=options,
                regressions=regressions,
                state_dir=Path(state),
            )
        found = outcome.found
        first = f"{found.after_seconds:.1f} s" if found else "-"
        steps = str(len(found.steps)) if found else "-"
        print(f"{name:34} {first:>14} {steps:>6} {outcome.examples:>10} {outcome.seconds:>7.1f}s")
        expected = bool(regressions)
        ok &= (found is not None) == expected and (found is None or len(found.steps) <= MAX_STEPS)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
