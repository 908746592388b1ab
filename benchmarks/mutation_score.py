"""Mutation score of the session core, judged by the API scenarios alone (mutmut 3).

    .venv/bin/python benchmarks/mutation_score.py [--jobs N] [--reuse] [--target 90]

Mutates reference_app/sessions.py, tokens.py, activity.py and routes/deps.py (the CSRF
check) line by line, as `[tool.mutmut]` in pyproject.toml says, and runs `scenarios/api`
against each mutant (mutmut copies the project into mutants/; the in-process app and any
server a scenario starts import the mutated copy from there). Prints killed / survived /
timeout, the score, and every survivor as file:line with its change. `--reuse` reports the
last run's results without running again. Exit 0 when the killed share meets the target.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from harness._realtime import wall_seconds

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = Path(sys.executable).parent / "mutmut"
RESULT_LINE = re.compile(r"^\s*(\S+): (.+)$")
HUNK = re.compile(r"^@@ -(\d+)")
# How a mutant's function is named: `x_func` or `xǁClassǁmethod`, then `__mutmut_<n>`.
MUTANT_NAME = re.compile(r"^(?P<module>[\w.]+)\.x(?:ǁ(?P<cls>\w+)ǁ|_)(?P<func>\w+?)__mutmut_\d+$")


@dataclass(frozen=True)
class Survivor:
    name: str
    where: str  # file:line
    change: str  # "- old / + new"


def run_mutmut(jobs: int) -> float:
    """A fresh run (mutants/ removed first); returns its wall time in seconds."""
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    began = wall_seconds()
    subprocess.run(
        [str(MUTMUT), "run", "--max-children", str(jobs)],
        cwd=ROOT,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    return wall_seconds() - began


def statuses() -> dict[str, str]:
    out = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {m[1]: m[2] for line in out.splitlines() if (m := RESULT_LINE.match(line))}


def _function_start(path: Path, cls: str | None, func: str) -> int:
    """The first line (decorators included) of `cls.func` or top-level `func` in `path`."""
    body = ast.parse(path.read_text()).body
    if cls is not None:
        body = next(n.body for n in body if isinstance(n, ast.ClassDef) and n.name == cls)
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == func:
            return min([node.lineno, *(d.lineno for d in node.decorator_list)])
    raise LookupError(f"{func} not found in {path}")


def locate(name: str) -> Survivor:
    """Where a mutant changes the source, from `mutmut show` (a diff within the function)."""
    shown = subprocess.run(
        [str(MUTMUT), "show", name], cwd=ROOT, capture_output=True, text=True, check=False
    )
    match = MUTANT_NAME.match(name)
    if match is None or shown.returncode != 0:
        return Survivor(name, "?", "(mutmut show could not print this mutant)")
    diff = shown.stdout.splitlines()
    path = Path(*match["module"].split(".")).with_suffix(".py")
    start = _function_start(ROOT / path, match["cls"], match["func"])
    line, old, new = 0, "", ""
    for text in diff:
        if (hunk := HUNK.match(text)) is not None:
            line = int(hunk[1])
        elif text.startswith("-") and not text.startswith("---") and not old:
            old = text[1:].strip()
            where = start + line - 1
        elif text.startswith("+") and not text.startswith("+++") and not new:
            new = text[1:].strip()
        elif text.startswith(" ") and not old:
            line += 1
    return Survivor(name, f"{path}:{where if old else '?'}", f"- {old}  + {new}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--reuse", action="store_true", help="report the last run, run nothing")
    parser.add_argument("--target", type=float, default=90.0, help="killed share to meet (%%)")
    args = parser.parse_args(argv)
    seconds = None if args.reuse else run_mutmut(args.jobs)
    found = {name: status for name, status in statuses().items() if status != "not checked"}
    counts = Counter(found.values())
    total = len(found)
    killed = counts["killed"]
    share = 100.0 * killed / total if total else 0.0
    print(f"mutants: {total}  " + "  ".join(f"{k}: {v}" for k, v in counts.most_common()))
    print(f"killed {killed} / survived {counts['survived']} / timeout {counts['timeout']}")
    print(f"score: {share:.1f}% killed (target {args.target:g}%)")
    if seconds is not None:
        print(f"time: {seconds:.0f} s with {args.jobs} parallel children")
    for name in sorted(n for n, status in found.items() if status != "killed"):
        survivor = locate(name)
        print(f"  {found[name]:<10} {survivor.where:<34} {survivor.change}  [{name}]")
    return 0 if share >= args.target else 1


if __name__ == "__main__":
    raise SystemExit(main())
