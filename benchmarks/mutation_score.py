"""Mutation score of the session core, judged by the API scenarios alone (mutmut 3).

    .venv/bin/python benchmarks/mutation_score.py [--jobs N] [--reuse] [--target 90]

Mutates reference_app/sessions.py, tokens.py, activity.py and routes/deps.py (the CSRF
check) line by line, as `[tool.mutmut]` in pyproject.toml says, and runs `scenarios/api`
(the simulated driver) against each mutant: mutmut copies the project into mutants/, and
runs against a mutant the scenarios that called its function in the test process (so never
a `served` one, whose app runs in its own process).

A second pass gives the scenarios that run the app in its own process (`served`) their say:
each survivor not documented as equivalent runs them in mutants/ with the mutant switched on
(`MUTANT_UNDER_TEST`, which the served app inherits); a failing scenario kills it. The pass
runs only when the same scenarios pass without a mutant.

Prints killed / survived / timeout, the raw killed share, and the score over the mutants
that are not equivalent: the survivors benchmarks/mutation_equivalents.toml documents as
changing nothing observable (matched by file, function and the changed line, not by mutmut's
numbered name). Every survivor is listed as file:line with its change; an undocumented one
is marked NEW, and a documented equivalent that no longer survives is reported as stale.
`--reuse` reports the last run's results without running again. Exit 0 when the score over
non-equivalent mutants meets the target and no documented equivalent is stale.
"""

from __future__ import annotations

import argparse
import ast
import functools
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from harness._realtime import wall_seconds

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = Path(sys.executable).parent / "mutmut"
EQUIVALENTS = Path(__file__).with_name("mutation_equivalents.toml")
RESULT_LINE = re.compile(r"^\s*(\S+): (.+)$")
HUNK = re.compile(r"^@@ -(\d+)")
# How a mutant's function is named: `x_func` or `xǁClassǁmethod`, then `__mutmut_<n>`.
MUTANT_NAME = re.compile(r"^(?P<module>[\w.]+)\.x(?:ǁ(?P<cls>\w+)ǁ|_)(?P<func>\w+?)__mutmut_\d+$")


@dataclass(frozen=True)
class Mutant:
    """Where a surviving mutant changes the source and how."""

    name: str
    file: str  # reference_app/sessions.py
    function: str  # SessionService.logout, or a module-level function's name
    line: int | None
    before: str
    after: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line if self.line is not None else '?'}"


@dataclass(frozen=True)
class Equivalent:
    """A documented survivor: this change to this function is not observable (`reason` names
    why, in the file's [reasons] table)."""

    file: str
    function: str
    before: str
    after: str
    reason: str

    def matches(self, mutant: Mutant) -> bool:
        found = (mutant.file, mutant.function, mutant.before, mutant.after)
        return found == (self.file, self.function, self.before, self.after)


def load_equivalents(path: Path = EQUIVALENTS) -> list[Equivalent]:
    data = tomllib.loads(path.read_text())
    entries = [Equivalent(**entry) for entry in data.get("equivalent", [])]
    unknown = sorted({e.reason for e in entries} - set(data.get("reasons", {})))
    if unknown:
        raise SystemExit(f"{path.name}: reasons {unknown} are not in its [reasons] table")
    return entries


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


@functools.cache  # `mutmut show` takes half a second; the served pass and the report both ask
def locate(name: str) -> Mutant:
    """Where a mutant changes the source, from `mutmut show` (a diff within the function)."""
    shown = subprocess.run(
        [str(MUTMUT), "show", name], cwd=ROOT, capture_output=True, text=True, check=False
    )
    match = MUTANT_NAME.match(name)
    if match is None or shown.returncode != 0:
        return Mutant(name, "?", "?", None, "(mutmut show could not print this mutant)", "")
    path = Path(*match["module"].split(".")).with_suffix(".py")
    function = ".".join(part for part in (match["cls"], match["func"]) if part)
    start = _function_start(ROOT / path, match["cls"], match["func"])
    line, old, new, where = 0, "", "", None
    for text in shown.stdout.splitlines():
        if (hunk := HUNK.match(text)) is not None:
            line = int(hunk[1])
        elif text.startswith("-") and not text.startswith("---") and not old:
            old = text[1:].strip()
            where = start + line - 1
        elif text.startswith("+") and not text.startswith("+++") and not new:
            new = text[1:].strip()
        elif text.startswith(" ") and not old:
            line += 1
    return Mutant(name, str(path), function, where, old, new)


SERVED_PASS = ("scenarios/api", "--suite", "api", "-m", "served and not slow")


def _served_scenarios_fail(mutant: str) -> bool | None:
    """Whether the served scenarios fail with `mutant` on ("" for none); None: they cannot run."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *SERVED_PASS, "-q", "-x", "-p", "no:cacheprovider"],
        cwd=ROOT / "mutants",
        env={**os.environ, "MUTANT_UNDER_TEST": mutant},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return {0: False, 1: True}.get(result.returncode)


def served_pass(found: dict[str, str], equivalents: list[Equivalent]) -> list[str]:
    """Survivors the served scenarios kill (their statuses become "killed"); see the docstring."""
    if not (ROOT / "mutants").is_dir():
        print("served pass: skipped, mutants/ is gone (run without --reuse)")
        return []
    clean = _served_scenarios_fail("")
    if clean is not False:
        print("served pass: skipped, the served scenarios do not pass without a mutant")
        return []
    survivors = [locate(name) for name, status in found.items() if status == "survived"]
    candidates = [m.name for m in survivors if not any(e.matches(m) for e in equivalents)]
    killed = [name for name in candidates if _served_scenarios_fail(name)]
    for name in killed:
        found[name] = "killed"
    print(f"served pass: {len(killed)} of {len(candidates)} survivors killed by served scenarios")
    return killed


def report(found: dict[str, str], equivalents: list[Equivalent], target: float) -> bool:
    """Prints the figures and the survivors; whether the target is met with no stale entry."""
    counts = Counter(found.values())
    total, killed = len(found), counts["killed"]
    missed = [
        locate(name) for name in sorted(n for n, status in found.items() if status != "killed")
    ]
    documented = {m.name: e for m in missed for e in equivalents if e.matches(m)}
    stale = [e for e in equivalents if not any(e.matches(m) for m in missed)]
    judged = total - len(documented)
    raw = 100.0 * killed / total if total else 0.0
    score = 100.0 * killed / judged if judged else 0.0
    print(f"mutants: {total}  " + "  ".join(f"{k}: {v}" for k, v in counts.most_common()))
    print(f"killed {killed} / survived {counts['survived']} / timeout {counts['timeout']}")
    print(f"raw: {raw:.1f}% of {total} mutants killed")
    reasons = Counter(e.reason for e in documented.values())
    print(
        f"equivalent: {len(documented)} documented in {EQUIVALENTS.relative_to(ROOT)} ("
        + ", ".join(f"{r} {n}" for r, n in reasons.most_common())
        + ")"
    )
    print(f"score: {score:.1f}% of {judged} non-equivalent mutants killed (target {target:g}%)")
    for mutant in missed:
        mark = documented[mutant.name].reason if mutant.name in documented else "NEW"
        change = f"- {mutant.before}  + {mutant.after}"
        print(f"  {found[mutant.name]:<9} {mark:<17} {mutant.where:<32} {change}  [{mutant.name}]")
    for entry in stale:
        print(f"  stale: {entry.file} {entry.function}: {entry.before!r} -> {entry.after!r}")
    return score >= target and not stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--reuse", action="store_true", help="report the last run, run nothing")
    parser.add_argument(
        "--target", type=float, default=90.0, help="score over non-equivalent mutants (%%)"
    )
    args = parser.parse_args(argv)
    equivalents = load_equivalents()
    seconds = None if args.reuse else run_mutmut(args.jobs)
    found = {name: status for name, status in statuses().items() if status != "not checked"}
    served_pass(found, equivalents)
    met = report(found, equivalents, args.target)
    if seconds is not None:
        print(f"time: {seconds:.0f} s with {args.jobs} parallel children")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
